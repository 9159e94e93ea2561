import { type Attributes, type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** A span as the Zipkin v2 API (`POST /api/v2/spans`) accepts it. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string };
  tags: Record<string, string>;
  annotations?: { timestamp: number; value: string }[];
}

const ZIPKIN_KIND: Partial<Record<SpanKind, ZipkinSpan['kind']>> = {
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** Zipkin wants integer epoch microseconds; a fraction is rejected by the API. */
export function toMicroseconds([seconds, nanoseconds]: HrTime): number {
  return seconds * 1_000_000 + Math.floor(nanoseconds / 1_000);
}

export function toZipkinSpan(span: ReadableSpan): ZipkinSpan {
  const context = span.spanContext();
  const zipkinSpan: ZipkinSpan = {
    traceId: context.traceId,
    id: context.spanId,
    parentId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: ZIPKIN_KIND[span.kind],
    timestamp: toMicroseconds(span.startTime),
    // A zero duration is rejected too; sub-microsecond spans become 1.
    duration: Math.max(1, toMicroseconds(span.duration)),
    localEndpoint: { serviceName: String(span.resource.attributes[ATTR_SERVICE_NAME] ?? 'unknown_service') },
    tags: toTags(span),
  };
  if (span.events.length > 0) {
    zipkinSpan.annotations = span.events.map((event) => ({
      timestamp: toMicroseconds(event.time),
      value: event.attributes && Object.keys(event.attributes).length > 0 ? `${event.name} ${JSON.stringify(event.attributes)}` : event.name,
    }));
  }
  return zipkinSpan;
}

function toTags(span: ReadableSpan): Record<string, string> {
  const tags = stringify(span.attributes);
  tags['otel.scope.name'] = span.instrumentationScope.name;
  if (span.status.code === SpanStatusCode.ERROR) {
    tags['otel.status_code'] = 'ERROR';
    tags.error = span.status.message || 'ERROR';
  } else if (span.status.code === SpanStatusCode.OK) {
    tags['otel.status_code'] = 'OK';
  }
  return tags;
}

function stringify(attributes: Attributes): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    tags[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return tags;
}
