import { type Context, trace, TraceFlags, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info.js';
import { getTracingRuntime } from './tracing-runtime.js';

let cached: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * The library's tracer, cached per global provider: a provider swap (tests, `trace.disable()`)
 * yields a new global provider object, so a stale tracer is never used, and the hot path pays an
 * identity check instead of the SDK's name-keyed lookup.
 */
export function libraryTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (cached?.provider !== provider) cached = { provider, tracer: provider.getTracer(PACKAGE_NAME, PACKAGE_VERSION) };
  return cached.tracer;
}

/**
 * Under an unsampled parent every child is unsampled too when the sampler follows the parent (the
 * default, `TRACING_SAMPLE_RATE` and the `parentbased_*` samplers), so the library skips creating
 * it: the work then runs in the parent's context, which still carries the trace id for logs and
 * propagation. The sampled flag decides, not `isRecording()`: a parent that has ended (a request
 * whose job runs later) records nothing but its children must still be traced.
 */
export function isUnsampled(parent: Context): boolean {
  const spanContext = trace.getSpanContext(parent);
  return spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) === 0 && (getTracingRuntime()?.samplerFollowsParent ?? true);
}
