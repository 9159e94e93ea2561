export { loadTracingConfig, TracingConfigError } from './config/index.js';
export { Span } from './decorators/span.decorator.js';
export { TracingInterceptor } from './interceptor/tracing.interceptor.js';
export { getTracingRuntime, TracingRuntime } from './sdk/tracing-runtime.js';
export * from './trace/trace-api.js';
export { TraceService } from './trace/trace.service.js';
export { TRACING_RUNTIME } from './tracing.constants.js';
export type * from './tracing.interfaces.js';
export { TracingModule } from './tracing.module.js';
