import type { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { TraceService } from './api/trace.service.js';
import { EnhancerSpans } from './http/enhancer-spans.js';
import { HttpServerHook } from './http/http-server-hook.js';
import { RequestFilter, resolveRequestOptions, type RequestTracingOptions } from './http/request-filter.js';
import { ServerRequestTracer } from './http/server-request-tracer.js';
import { TracingInterceptor } from './http/tracing.interceptor.js';
import { MeteredMethods } from './metrics/metered-methods.js';
import { MetricsPort } from './metrics/metrics-port.js';
import { MetricsService } from './metrics/metrics.service.js';
import { RequestMetrics } from './metrics/request-metrics.js';
import { SpanMetricsProcessor } from './metrics/span-metrics.processor.js';
import { TracingMetrics } from './metrics/tracing-metrics.js';
import { adoptOrStartTracing } from './runtime/adopt-tracing.js';
import { TracingLifecycle } from './runtime/tracing-lifecycle.js';
import type { TracingRuntime } from './runtime/tracing-runtime.js';
import { REQUEST_OBSERVER, TRACING_APP_PROCESSORS, TRACING_REQUEST_OPTIONS, TRACING_RUNTIME } from './tracing.constants.js';
import type { TracingModuleOptions } from './tracing.interfaces.js';
import { TRACING_MODULE_OPTIONS } from './tracing.module-definition.js';

export const TRACING_PROVIDERS: Provider[] = [
  { provide: TRACING_RUNTIME, useFactory: adoptOrStartTracing },
  { provide: TRACING_REQUEST_OPTIONS, inject: [TRACING_MODULE_OPTIONS], useFactory: resolveRequestOptions },
  {
    provide: TracingMetrics,
    inject: [TRACING_RUNTIME, TRACING_REQUEST_OPTIONS],
    useFactory: (runtime: TracingRuntime, options: RequestTracingOptions): TracingMetrics | null =>
      options.metrics ? new TracingMetrics(runtime, { defaultMetrics: options.defaultMetrics }) : null,
  },
  {
    provide: REQUEST_OBSERVER,
    inject: [TracingMetrics, RequestFilter, TRACING_REQUEST_OPTIONS],
    useFactory: (metrics: TracingMetrics | null, filter: RequestFilter, options: RequestTracingOptions): RequestMetrics | null =>
      metrics ? new RequestMetrics(metrics, filter, options.metricsPath) : null,
  },
  {
    provide: TRACING_APP_PROCESSORS,
    inject: [TRACING_MODULE_OPTIONS, TracingMetrics],
    useFactory: (options: TracingModuleOptions, metrics: TracingMetrics | null): SpanProcessor[] => [
      ...(options.spanProcessors ?? []),
      ...(metrics ? [new SpanMetricsProcessor(metrics)] : []),
    ],
  },
  {
    provide: EnhancerSpans,
    inject: [TRACING_MODULE_OPTIONS, TRACING_RUNTIME],
    useFactory: (options: TracingModuleOptions, runtime: TracingRuntime): EnhancerSpans | null =>
      options.enhancerSpans && runtime.enabled ? new EnhancerSpans() : null,
  },
  { provide: APP_INTERCEPTOR, useClass: TracingInterceptor },
  RequestFilter,
  ServerRequestTracer,
  HttpServerHook,
  TracingLifecycle,
  TraceService,
  MetricsService,
  MeteredMethods,
  MetricsPort,
];
