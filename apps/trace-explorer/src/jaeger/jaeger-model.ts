import type { AttributeValue, Attributes, StoredResource, StoredSpan } from '../explorer-api.js';
import { SPAN_KIND, spanKindName, STATUS_CODE, statusName } from '../store/stored-model.js';

/*
 * Jaeger's query API JSON (its `uimodel` package): what Jaeger's UI, Grafana's Jaeger data source
 * and scripts written against Jaeger read. OTLP fields map the way Jaeger maps them on ingest:
 * kind, status and scope become tags, events become logs, the parent a CHILD_OF reference and
 * links FOLLOWS_FROM references.
 */

export interface JaegerKeyValue {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  value: string | number | boolean;
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

/** Jaeger's `flags` is left out, as Jaeger leaves it out for spans that arrived over OTLP. */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[];
  startTime: number;
  duration: number;
  tags: JaegerKeyValue[];
  logs: { timestamp: number; fields: JaegerKeyValue[] }[];
  processID: string;
  warnings: string[] | null;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

export interface JaegerResponse<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: { code: number; msg: string }[] | null;
}

export function jaegerResponse<T>(data: T, total = Array.isArray(data) ? data.length : 0): JaegerResponse<T> {
  return { data, total, limit: 0, offset: 0, errors: null };
}

export function jaegerError(code: number, msg: string): JaegerResponse<null> {
  return { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] };
}

function keyValue(key: string, value: AttributeValue): JaegerKeyValue {
  if (typeof value === 'boolean') return { key, type: 'bool', value };
  if (typeof value === 'number') return { key, type: Number.isInteger(value) ? 'int64' : 'float64', value };
  if (typeof value === 'string') return { key, type: 'string', value };
  return { key, type: 'string', value: value === null ? '' : JSON.stringify(value) };
}

export function keyValues(attributes: Attributes, except?: string): JaegerKeyValue[] {
  const result: JaegerKeyValue[] = [];
  for (const key in attributes) if (key !== except) result.push(keyValue(key, attributes[key]));
  return result;
}

/** A span's tags in Jaeger's order: the scope, the attributes, then what Jaeger derives from OTLP's fields. */
export function spanTags(span: StoredSpan): JaegerKeyValue[] {
  const tags: JaegerKeyValue[] = [];
  if (span.scope.name) tags.push({ key: 'otel.scope.name', type: 'string', value: span.scope.name });
  if (span.scope.version) tags.push({ key: 'otel.scope.version', type: 'string', value: span.scope.version });
  // One by one: a span's attributes may be more than a call's arguments can hold.
  for (const tag of keyValues(span.attributes)) tags.push(tag);
  if (span.kind !== SPAN_KIND.UNSPECIFIED) tags.push({ key: 'span.kind', type: 'string', value: spanKindName(span.kind) });
  if (span.status.code !== STATUS_CODE.UNSET) tags.push({ key: 'otel.status_code', type: 'string', value: statusName(span.status.code).toUpperCase() });
  if (span.status.code === STATUS_CODE.ERROR) tags.push({ key: 'error', type: 'bool', value: true });
  if (span.status.message) tags.push({ key: 'otel.status_description', type: 'string', value: span.status.message });
  if (span.traceState) tags.push({ key: 'w3c.tracestate', type: 'string', value: span.traceState });
  return tags;
}

/** Tags and log fields come sorted by key, as Jaeger's query service answers. */
const byKey = (a: JaegerKeyValue, b: JaegerKeyValue) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The parent first (CHILD_OF), then links (FOLLOWS_FROM); a link to the parent makes the parent's reference FOLLOWS_FROM. */
function references(span: StoredSpan): JaegerReference[] {
  const result: JaegerReference[] = span.parentSpanId ? [{ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId }] : [];
  for (const link of span.links) {
    if (span.parentSpanId && link.traceId === span.traceId && link.spanId === span.parentSpanId) result[0].refType = 'FOLLOWS_FROM';
    else result.push({ refType: 'FOLLOWS_FROM', traceID: link.traceId, spanID: link.spanId });
  }
  return result;
}

export function toJaegerTrace(traceId: string, spans: readonly StoredSpan[]): JaegerTrace {
  const processIds = new Map<StoredResource, string>();
  const processes: Record<string, JaegerProcess> = {};
  const processOf = (resource: StoredResource) => {
    let id = processIds.get(resource);
    if (id === undefined) {
      id = `p${processIds.size + 1}`;
      processIds.set(resource, id);
      processes[id] = { serviceName: resource.serviceName, tags: keyValues(resource.attributes, 'service.name').sort(byKey) };
    }
    return id;
  };
  return {
    traceID: traceId,
    spans: spans.map((span) => ({
      traceID: span.traceId,
      spanID: span.spanId,
      operationName: span.name,
      references: references(span),
      startTime: span.startUs,
      duration: span.durationUs,
      tags: spanTags(span).sort(byKey),
      logs: span.events.map((event) => ({
        timestamp: event.timeUs,
        // The name as an `event` field, unless an attribute already has that key.
        fields: [
          ...(event.name && !('event' in event.attributes) ? [{ key: 'event', type: 'string' as const, value: event.name }] : []),
          ...keyValues(event.attributes),
        ].sort(byKey),
      })),
      processID: processOf(span.resource),
      warnings: null,
    })),
    processes,
    warnings: null,
  };
}
