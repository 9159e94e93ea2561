import { attributeText } from './stored-model.js';
import type { StoredTrace } from './trace-store.js';
import type { TraceSummary } from '../explorer-api.js';
import { summarize } from './trace-summary.js';

/** The trace list's search: every condition given must hold. */
export interface TraceFilter {
  /** A span of the trace belongs to this service. */
  service?: string;
  /** A span of the trace (of `service`, when given) has this name. */
  operation?: string;
  errorsOnly?: boolean;
  minDurationMs?: number;
  maxDurationMs?: number;
  /** A span's attribute, or its resource's, has this value as text. */
  attribute?: { key: string; value: string };
  /** The trace id starts with this (lowercase hex). */
  traceId?: string;
  limit: number;
}

export const DEFAULT_LIST_LIMIT = 100;

function matches(trace: StoredTrace, summary: TraceSummary, filter: TraceFilter): boolean {
  if (filter.traceId !== undefined && !trace.traceId.startsWith(filter.traceId)) return false;
  if (filter.errorsOnly && summary.errorCount === 0) return false;
  const durationMs = summary.durationUs / 1000;
  if (filter.minDurationMs !== undefined && durationMs < filter.minDurationMs) return false;
  if (filter.maxDurationMs !== undefined && durationMs > filter.maxDurationMs) return false;
  if (filter.service !== undefined && !summary.services.some((service) => service.name === filter.service)) return false;
  if (filter.operation !== undefined) {
    const named = trace.spans.some((span) => span.name === filter.operation && (filter.service === undefined || span.resource.serviceName === filter.service));
    if (!named) return false;
  }
  if (filter.attribute !== undefined) {
    const { key, value } = filter.attribute;
    const found = trace.spans.some(
      (span) =>
        (key in span.attributes && attributeText(span.attributes[key]) === value) ||
        (key in span.resource.attributes && attributeText(span.resource.attributes[key]) === value),
    );
    if (!found) return false;
  }
  return true;
}

/** The summaries of the matching traces, newest first. */
export function listTraces(traces: Iterable<StoredTrace>, filter: TraceFilter): TraceSummary[] {
  const found: TraceSummary[] = [];
  for (const trace of traces) {
    if (found.length >= filter.limit) break;
    const summary = summarize(trace);
    if (matches(trace, summary, filter)) found.push(summary);
  }
  return found;
}
