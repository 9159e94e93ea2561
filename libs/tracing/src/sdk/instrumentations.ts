import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import {
  isServerResponse,
  nameServerSpan,
  routeTemplate,
  setTraceIdHeader,
  type RoutedRequest,
} from '../interceptor/http-server-span.js';
import type { InstrumentationName } from '../tracing.interfaces.js';
import { isIgnoredRequest, type RequestTracingOptions } from './request-tracing-options.js';

type Loader = (options: RequestTracingOptions) => Promise<Instrumentation>;

/** Only the instrumentations in use are imported: each costs startup time and per-call patching. */
const LOADERS: Record<InstrumentationName, Loader> = {
  http: async (options) => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    return new HttpInstrumentation(httpConfig(options));
  },
  undici: async () => {
    const { UndiciInstrumentation } = await import('@opentelemetry/instrumentation-undici');
    return new UndiciInstrumentation();
  },
  express: async () => {
    const { ExpressInstrumentation } = await import('@opentelemetry/instrumentation-express');
    return new ExpressInstrumentation();
  },
  pg: async () => {
    const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
    // Pool housekeeping outside a request is noise; query values never leave the process.
    return new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false });
  },
  ioredis: async () => {
    const { IORedisInstrumentation } = await import('@opentelemetry/instrumentation-ioredis');
    return new IORedisInstrumentation({ requireParentSpan: true });
  },
};

export function loadInstrumentations(
  names: readonly InstrumentationName[],
  options: RequestTracingOptions,
): Promise<Instrumentation[]> {
  return Promise.all(names.map((name) => LOADERS[name](options)));
}

/** The module names each instrumentation patches, to tell which were loaded before the SDK started. */
export const PATCHED_MODULES: Record<InstrumentationName, string> = {
  http: 'http',
  undici: 'undici',
  express: 'express',
  pg: 'pg',
  ioredis: 'ioredis',
};

function httpConfig(options: RequestTracingOptions): HttpInstrumentationConfig {
  return {
    ignoreIncomingRequestHook: (request) => isIgnoredRequest(options, request.method, request.url),
    responseHook: (span, response) => {
      if (isServerResponse(response)) setTraceIdHeader(options, response, span);
    },
    // Requests stopped before the interceptor (guards, pipes, middleware) still get their route name.
    applyCustomAttributesOnSpan: (span, request, response) => {
      if (!isServerResponse(response)) return;
      const route = routeTemplate(request as RoutedRequest);
      if (route) nameServerSpan(span, (request as RoutedRequest).method, route);
    },
  };
}
