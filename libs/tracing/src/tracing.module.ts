import { type DynamicModule, Module } from '@nestjs/common';
import { TraceService } from './api/trace.service.js';
import { MetricsService } from './metrics/metrics.service.js';
import { ConfigurableTracingModule, type TRACING_OPTIONS_TYPE } from './tracing.module-definition.js';
import { TRACING_PROVIDERS } from './tracing.providers.js';

@Module({
  providers: TRACING_PROVIDERS,
  exports: [TraceService, MetricsService],
})
export class TracingModule extends ConfigurableTracingModule {
  /** Every option has a default, so `forRoot()` alone is the common case. */
  static override forRoot(options: typeof TRACING_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
