import type { PageSpan, StoredSpan, TraceDetail } from '../explorer-api.js';
import { spanKindName, statusName } from '../store/stored-model.js';
import type { StoredTrace } from '../store/trace-store.js';
import { summarize } from '../store/trace-summary.js';

/** A stored span for the pages: the same fields, its kind and status by name. */
export function pageSpan(span: StoredSpan): PageSpan {
  return { ...span, kind: spanKindName(span.kind), status: { code: statusName(span.status.code), message: span.status.message } };
}

/** What the trace page draws: the summary, the spans by start time, the log lines by time. */
export function traceDetail(trace: StoredTrace): TraceDetail {
  return {
    summary: summarize(trace),
    spans: [...trace.spans].sort((a, b) => a.startUs - b.startUs).map(pageSpan),
    logs: [...trace.logs].sort((a, b) => a.timeUs - b.timeUs),
  };
}
