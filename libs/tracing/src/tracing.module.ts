import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { createTracingMetrics } from './metrics/create-tracing-metrics.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { RequestMetrics } from './metrics/request-metrics.js';
import { TracingMetrics } from './metrics/tracing-metrics.js';
import { HttpServerHook } from './http/http-server-hook.js';
import { ServerRequestTracer } from './http/server-request-tracer.js';
import { TracingInterceptor } from './http/tracing.interceptor.js';
import { adoptOrStartTracing } from './runtime/adopt-tracing.js';
import type { TracingRuntime } from './runtime/tracing-runtime.js';
import { TraceService } from './api/trace.service.js';
import { TRACING_RUNTIME } from './tracing.constants.js';
import type { TracingModuleOptions } from './tracing.interfaces.js';
import { TracingLifecycle } from './tracing.lifecycle.js';
import { ConfigurableTracingModule, TRACING_MODULE_OPTIONS, type TRACING_OPTIONS_TYPE } from './tracing.module-definition.js';

@Module({
  providers: [
    {
      provide: TRACING_RUNTIME,
      inject: [TRACING_MODULE_OPTIONS],
      useFactory: async (options: TracingModuleOptions): Promise<TracingRuntime> => {
        const runtime = await adoptOrStartTracing();
        runtime.configure(options);
        return runtime;
      },
    },
    { provide: TracingMetrics, inject: [TRACING_RUNTIME], useFactory: createTracingMetrics },
    { provide: APP_INTERCEPTOR, useClass: TracingInterceptor },
    ServerRequestTracer,
    RequestMetrics,
    HttpServerHook,
    TraceService,
    TracingLifecycle,
  ],
  controllers: [MetricsController],
  exports: [TRACING_RUNTIME, TraceService, TracingMetrics],
})
export class TracingModule extends ConfigurableTracingModule {
  /** Every option has a default, so `forRoot()` alone is the common case. */
  static override forRoot(options: typeof TRACING_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
