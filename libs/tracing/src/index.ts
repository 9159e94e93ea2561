export { Span } from './api/span.decorator.js';
export type { Carrier, WithSpanOptions } from './api/context-api.js';
export { TraceService } from './api/trace.service.js';
export type {
  ClassSpanOptions,
  DatabaseOperation,
  ExternalCall,
  HttpServerSpanOptions,
  SpanDecoratorOptions,
  TracingMetricsOptions,
  TracingModuleOptions,
} from './tracing.interfaces.js';
export type { Scrape } from './metrics/metrics-endpoint.js';
export {
  type AppCounter,
  type AppGauge,
  type AppHistogram,
  type AppHistogramOptions,
  type AppMetricOptions,
  MetricsService,
} from './metrics/metrics.service.js';
export { Counted, type MeteredOptions, Timed } from './metrics/metered.decorators.js';
export { TracingModule } from './tracing.module.js';
export type { TracingModuleAsyncOptions } from './tracing.module-definition.js';
export type { InstrumentationOptions } from './instrumentation/instrumentations.js';
export type { TracingPreloadOptions } from './instrumentation/preload-options.js';
