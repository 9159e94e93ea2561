import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ServerSpanMiddleware } from './interceptor/server-span.middleware.js';
import { TracingInterceptor } from './interceptor/tracing.interceptor.js';
import { adoptOrStartTracing } from './sdk/adopt-tracing.js';
import type { TracingRuntime } from './sdk/tracing-runtime.js';
import { TraceService } from './trace/trace.service.js';
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
    { provide: APP_INTERCEPTOR, useClass: TracingInterceptor },
    TraceService,
    TracingLifecycle,
  ],
  exports: [TRACING_RUNTIME, TraceService],
})
export class TracingModule extends ConfigurableTracingModule implements NestModule {
  /** Every option has a default, so `forRoot()` alone is the common case. */
  static override forRoot(options: typeof TRACING_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ServerSpanMiddleware).forRoutes('{*path}');
  }
}
