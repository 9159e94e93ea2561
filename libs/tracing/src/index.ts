export { Span } from './api/span.decorator.js';
export type { Carrier, WithSpanOptions } from './api/context-api.js';
export { TraceService } from './api/trace.service.js';
export type {
  DatabaseOperation,
  ExternalCall,
  HttpServerSpanOptions,
  SpanDecoratorOptions,
  TracingMetricsOptions,
  TracingModuleOptions,
} from './tracing.interfaces.js';
export { TracingModule } from './tracing.module.js';
