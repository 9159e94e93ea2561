import type { StoredTrace } from './trace-store.js';
import type { StoredSpan, TraceSummary } from '../explorer-api.js';
import { STATUS_CODE } from './stored-model.js';

const summaries = new WeakMap<StoredTrace, { version: number; summary: TraceSummary }>();

const earlier = (a: StoredSpan, b: StoredSpan) => (b.startUs < a.startUs ? b : a);

/** The span without a parent; else, while it has not arrived, the earliest span whose parent is missing. */
export function rootSpan(spans: readonly StoredSpan[]): { span: StoredSpan; missing: boolean } {
  const roots = spans.filter((span) => span.parentSpanId === '');
  if (roots.length > 0) return { span: roots.reduce(earlier), missing: false };
  const ids = new Set(spans.map((span) => span.spanId));
  const orphans = spans.filter((span) => !ids.has(span.parentSpanId));
  return { span: (orphans.length > 0 ? orphans : spans).reduce(earlier), missing: true };
}

/** The summary of a trace with at least one span, computed again only when the trace changed. */
export function summarize(trace: StoredTrace): TraceSummary {
  const cached = summaries.get(trace);
  if (cached?.version === trace.version) return cached.summary;
  const { span: root, missing } = rootSpan(trace.spans);
  let startUs = Number.POSITIVE_INFINITY;
  let endUs = 0;
  let errorCount = 0;
  const services = new Map<string, number>();
  let operation: StoredSpan | undefined;
  for (const span of trace.spans) {
    if (span.attributes['graphql.operation.type'] !== undefined && span.resource.serviceName === root.resource.serviceName) {
      operation = operation ? earlier(operation, span) : span;
    }
    startUs = Math.min(startUs, span.startUs);
    endUs = Math.max(endUs, span.startUs + span.durationUs);
    if (span.status.code === STATUS_CODE.ERROR) errorCount++;
    services.set(span.resource.serviceName, (services.get(span.resource.serviceName) ?? 0) + 1);
  }
  const summary: TraceSummary = {
    traceId: trace.traceId,
    rootService: root.resource.serviceName,
    rootName: root.name,
    ...(operation && operation !== root ? { rootOperation: operation.name } : {}),
    rootMissing: missing,
    startUs,
    durationUs: endUs - startUs,
    spanCount: trace.spans.length,
    errorCount,
    logCount: trace.logs.length,
    services: [...services].map(([name, spans]) => ({ name, spans })).sort((a, b) => a.name.localeCompare(b.name)),
  };
  summaries.set(trace, { version: trace.version, summary });
  return summary;
}
