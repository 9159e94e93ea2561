import { INVALID_SPANID, INVALID_TRACEID, trace } from '@opentelemetry/api';

export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * The ids of the active span, for a logger's mixin (pino `mixin: traceLogFields`), so every line
 * written inside a request or a traced job points at its trace. Empty outside any span. Runs for
 * every log line, so it compares against the invalid ids rather than validating the hex.
 */
export function traceLogFields(): TraceLogFields {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || spanContext.traceId === INVALID_TRACEID || spanContext.spanId === INVALID_SPANID) {
    return {}; // a new object every time: pino merges the line's fields into what the mixin returns
  }
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: spanContext.traceFlags < 16 ? `0${spanContext.traceFlags.toString(16)}` : spanContext.traceFlags.toString(16),
  };
}
