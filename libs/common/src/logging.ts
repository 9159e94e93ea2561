import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { isUntracedRequest, redactLogFields, routeTemplate } from 'nestjs-tracing/logging';
import { LoggerModule, type Params } from 'nestjs-pino';
import { type Env, envChoice, envString, loadTracingConfig } from 'nestjs-tracing/config';
import { errorFields } from './error-fields.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** `OTEL_LOGS_EXPORTER`'s values in the SDK environment variable specification. */
const LOGS_EXPORTERS = ['otlp', 'console', 'none'] as const;

type Request = IncomingMessage & { originalUrl?: string };

function accessFields(request: Request, response: ServerResponse, responseTime: number) {
  return {
    method: request.method,
    route: routeTemplate(request),
    path: (request.originalUrl ?? request.url ?? '').split('?', 1)[0],
    status_code: response.statusCode,
    duration_ms: Math.round(responseTime * 100) / 100,
  };
}

type Transport = { targets: { target: string; level: string; options: Record<string, unknown> }[] } | { target: string; options: Record<string, unknown> };

/**
 * Where lines go: stdout (pretty in development), and with `OTEL_LOGS_EXPORTER=otlp` also over
 * OTLP to `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (the trace explorer under `npm start`), through pino's
 * OpenTelemetry transport. Transports run in a worker thread: the request thread only hands each
 * line over, and the OTLP records (trace ids taken from the line) are built and sent off it.
 */
function transport(env: Env, level: string, development: boolean): Transport | undefined {
  const stdout = development ? { target: 'pino-pretty', options: { singleLine: true } } : { target: 'pino/file', options: { destination: 1 } };
  if (envChoice(env, 'OTEL_LOGS_EXPORTER', LOGS_EXPORTERS, 'none') !== 'otlp') return development ? stdout : undefined;
  const serviceName = loadTracingConfig(env).serviceName;
  return {
    targets: [
      { ...stdout, level },
      { target: 'pino-opentelemetry-transport', level, options: { loggerName: serviceName, resourceAttributes: { 'service.name': serviceName } } },
    ],
  };
}

/**
 * pino through nestjs-pino: JSON (one object per line) unless NODE_ENV is development, level from
 * LOG_LEVEL. Every line written inside a request or a traced job carries `trace_id`, `span_id`
 * and `trace_flags`, written by the preload's pino instrumentation (no `mixin` here: it would
 * compute them a second time for every line); each request gets one access line; headers, bodies
 * and the data an error carries (query parameters, rows) are never logged.
 */
export function loggerParams(env: Env = process.env): Params {
  const development = envString(env, 'NODE_ENV', 'development') === 'development';
  const level = envChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
  return {
    pinoHttp: {
      level,
      // The keys redacted from spans, the module's redactKeys included, matched by key at any of
      // the first levels: pino's path-based redact would need every path listed, wildcards and all.
      formatters: { log: redactLogFields },
      transport: transport(env, level, development),
      // Lines written while handling a request name it by method and path only.
      serializers: {
        // Errors are described, never dumped: drivers attach query parameters and rows to them.
        err: errorFields,
        req: (request: { method?: string; url?: string }) => ({ method: request.method, path: request.url?.split('?', 1)[0] }),
        res: (response: { statusCode?: number }) => ({ status_code: response.statusCode }),
      },
      quietResLogger: true,
      autoLogging: { ignore: isUntracedRequest },
      customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
      customSuccessMessage: (request, response) => `${request.method} ${routeTemplate(request) ?? request.url} ${response.statusCode}`,
      customErrorMessage: (request, response) => `${request.method} ${routeTemplate(request) ?? request.url} ${response.statusCode}`,
      customSuccessObject: (request, response, value: { responseTime: number }) => accessFields(request, response, value.responseTime),
      customErrorObject: (request, response, error, value: { responseTime: number }) => ({
        ...accessFields(request, response, value.responseTime),
        err: error,
      }),
    },
  };
}

export function createLoggerModule(env: Env = process.env): DynamicModule {
  return LoggerModule.forRoot(loggerParams(env));
}
