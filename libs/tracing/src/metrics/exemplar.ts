import { type SpanContext, TraceFlags } from '@opentelemetry/api';

export type ExemplarLabels = { trace_id: string; span_id: string };

/**
 * The trace of a sampled request as an OpenMetrics exemplar. Unsampled requests get none: their
 * trace id leads to nothing in the backend. A trace id as a *label* would instead make one series
 * per request and break Prometheus at any real load.
 */
export function exemplarOf(spanContext: SpanContext | undefined): ExemplarLabels | undefined {
  if (!spanContext || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
