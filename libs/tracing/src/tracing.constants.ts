/** Injection token of the started {@link TracingRuntime} the module adopts or starts. */
export const TRACING_RUNTIME = Symbol('TRACING_RUNTIME');
/** Injection token of the resolved, read-only {@link RequestTracingOptions}. */
export const TRACING_REQUEST_OPTIONS = Symbol('TRACING_REQUEST_OPTIONS');
/** Injection token of the optional {@link RequestObserver} the HTTP server hook calls per request. */
export const REQUEST_OBSERVER = Symbol('REQUEST_OBSERVER');
/** Injection token of the span processors an app attaches to the runtime (its own and the metrics'). */
export const TRACING_APP_PROCESSORS = Symbol('TRACING_APP_PROCESSORS');
