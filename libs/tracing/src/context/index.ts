/**
 * The trace context for code outside Nest's DI: the functions behind `TraceService`, by the same
 * names. Their types (`Carrier`, `WithSpanOptions`) come from `nestjs-tracing`.
 */
export {
  addSpanAttributes,
  addSpanEvent,
  bindContext,
  captureContext,
  extractContext,
  getActiveSpan,
  getSpanId,
  getTraceId,
  injectContext,
  linkTo,
  recordException,
  runWithContext,
  setSpanStatus,
  traceDatabaseOperation,
  traceExternalCall,
  withSpan,
} from '../api/context-api.js';
