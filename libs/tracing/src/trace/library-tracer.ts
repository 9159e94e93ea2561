import { trace, type Tracer } from '@opentelemetry/api';
import { TRACER_NAME } from '../tracing.constants.js';

/**
 * Looked up on each use rather than cached: a tracer kept from before a provider swap (tests,
 * or an app that registers its own provider) would keep feeding the old one. The SDK caches
 * tracers by name, so this is a map lookup.
 */
export function libraryTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}
