import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { isUntracedRequest, redactLogFields, routeTemplate, traceLogFields } from 'nestjs-tracing/logging';
import { LoggerModule, type Params } from 'nestjs-pino';
import { type Env, envChoice, envString } from 'nestjs-tracing/config';
import { errorFields } from './error-fields.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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

/**
 * pino through nestjs-pino: JSON (one object per line) unless NODE_ENV is development, level from
 * LOG_LEVEL. Every line written inside a request or a traced job carries `trace_id`, `span_id`
 * and `trace_flags`; each request gets one access line; headers, bodies and the data an error
 * carries (query parameters, rows) are never logged.
 */
export function loggerParams(env: Env = process.env): Params {
  const development = envString(env, 'NODE_ENV', 'development') === 'development';
  return {
    pinoHttp: {
      level: envChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      mixin: traceLogFields,
      // The keys redacted from spans, the module's redactKeys included, matched by key at any of
      // the first levels: pino's path-based redact would need every path listed, wildcards and all.
      formatters: { log: redactLogFields },
      transport: development ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
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
