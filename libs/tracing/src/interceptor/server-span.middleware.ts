import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { context, type Span, SpanKind, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata, suppressTracing, type RPCMetadata } from '@opentelemetry/core';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { isIgnoredRequest } from '../sdk/request-tracing-options.js';
import type { TracingRuntime } from '../sdk/tracing-runtime.js';
import { TRACING_RUNTIME } from '../tracing.constants.js';
import { libraryTracer } from '../trace/library-tracer.js';
import {
  markServerError,
  nameServerSpan,
  recordResponseStatus,
  routeTemplate,
  setTraceIdHeader,
  type RoutedRequest,
} from './http-server-span.js';

/**
 * Makes sure every request has exactly one SERVER span. Normally the HTTP instrumentation started
 * it and this does nothing; when `http` was not instrumented (no preload, or Jest's module loader),
 * this starts one, so guards, pipes and handlers still run inside a request span.
 */
@Injectable()
export class ServerSpanMiddleware implements NestMiddleware {
  constructor(@Inject(TRACING_RUNTIME) private readonly runtime: TracingRuntime) {}

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    if (!this.runtime.enabled || getRPCMetadata(context.active())?.type === RPCType.HTTP) return next();
    const url = (request as { originalUrl?: string }).originalUrl ?? request.url;
    if (isIgnoredRequest(this.runtime.requestOptions, request.method, url)) {
      return context.with(suppressTracing(context.active()), next);
    }
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = this.startSpan(request, url, parent);
    const rpcMetadata: RPCMetadata = { type: RPCType.HTTP, span };
    setTraceIdHeader(this.runtime.requestOptions, response, span);
    response.once('close', () => endSpan(span, rpcMetadata, request, response));
    context.with(setRPCMetadata(trace.setSpan(parent, span), rpcMetadata), next);
  }

  private startSpan(request: IncomingMessage, url: string | undefined, parent: typeof ROOT_CONTEXT): Span {
    const [path, query] = (url ?? '/').split('?', 2);
    return libraryTracer().startSpan(
      request.method ?? 'GET',
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_URL_PATH]: path,
          [ATTR_URL_QUERY]: query,
          [ATTR_USER_AGENT_ORIGINAL]: request.headers['user-agent'],
        },
      },
      parent,
    );
  }
}

function endSpan(span: Span, rpcMetadata: RPCMetadata, request: IncomingMessage, response: ServerResponse): void {
  const route = rpcMetadata.route ?? routeTemplate(request as RoutedRequest);
  if (route) nameServerSpan(span, request.method, route);
  recordResponseStatus(span, response.statusCode);
  markServerError(span, response.statusCode);
  span.end();
}
