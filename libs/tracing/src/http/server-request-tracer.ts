import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { context, type Span, SpanKind, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata, suppressTracing, type RPCMetadata } from '@opentelemetry/core';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { libraryTracer } from '../runtime/library-tracer.js';
import { TracingLifecycle } from '../runtime/tracing-lifecycle.js';
import type { TracingRuntime } from '../runtime/tracing-runtime.js';
import { TRACING_REQUEST_OPTIONS, TRACING_RUNTIME } from '../tracing.constants.js';
import { markAborted, markServerError, nameServerSpan, recordResponseStatus, routeTemplate, setTraceIdHeader, type RoutedRequest } from './http-server-span.js';
import type { RequestTracingOptions } from './request-filter.js';
import type { ServerSpanHooks } from './server-span-hooks.js';

/**
 * The SERVER span of every HTTP request, with the caller's W3C context, the trace-id header and,
 * when the response ends, the route template and status. `HttpServerHook` calls it where the
 * request enters the server (its `request` event), so body parsing and requests refused before
 * Nest's middleware are covered too. The http instrumentation traces outgoing calls only: its
 * incoming side parses every URL and binds both emitters of every request, sampled or not. If some
 * other instrumentation already started a server span for the request, this one steps aside.
 */
@Injectable()
export class ServerRequestTracer {
  constructor(
    @Inject(TRACING_RUNTIME) private readonly runtime: TracingRuntime,
    @Inject(TRACING_REQUEST_OPTIONS) private readonly options: RequestTracingOptions,
    private readonly lifecycle: TracingLifecycle,
  ) {}

  /** Runs a request the filter ignores with tracing suppressed: nothing it does makes spans. */
  untraced<T>(next: () => T): T {
    return this.runtime.enabled ? context.with(suppressTracing(context.active()), next) : next();
  }

  /**
   * Runs `next` (the server's own handling of the request) inside the request's server span. At the
   * `request` event no framework has rewritten `request.url` yet, so it is the path as received.
   */
  handle(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    if (!this.runtime.enabled || getRPCMetadata(context.active())?.type === RPCType.HTTP) return next();
    const parent = this.lifecycle.withApp(propagation.extract(ROOT_CONTEXT, request.headers));
    const span = this.startSpan(request, parent);
    const rpcMetadata: RPCMetadata = { type: RPCType.HTTP, span };
    setTraceIdHeader(this.options, response, span);
    // Ending a span that does not record changes nothing, so unsampled requests skip the listener.
    if (span.isRecording()) {
      this.options.hooks.started(span, request);
      response.once('close', () => endSpan(span, rpcMetadata, request, response, this.options.hooks));
    }
    context.with(setRPCMetadata(trace.setSpan(parent, span), rpcMetadata), next);
  }

  /** Attributes only for spans that record: an unsampled request should cost next to nothing. */
  private startSpan(request: IncomingMessage, parent: typeof ROOT_CONTEXT): Span {
    const attributes = this.options.hooks.startAttributes(request);
    const span = libraryTracer().startSpan(request.method ?? 'GET', { kind: SpanKind.SERVER, attributes }, parent);
    if (!span.isRecording()) return span;
    const [path, query] = (request.url ?? '/').split('?', 2);
    return span.setAttributes({
      [ATTR_HTTP_REQUEST_METHOD]: request.method,
      [ATTR_URL_SCHEME]: (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
      [ATTR_URL_PATH]: path,
      [ATTR_URL_QUERY]: query,
      [ATTR_SERVER_ADDRESS]: request.headers.host?.replace(/:\d+$/, ''),
      [ATTR_CLIENT_ADDRESS]: request.socket.remoteAddress,
      [ATTR_NETWORK_PROTOCOL_VERSION]: request.httpVersion,
      [ATTR_USER_AGENT_ORIGINAL]: request.headers['user-agent'],
    });
  }
}

function endSpan(span: Span, rpcMetadata: RPCMetadata, request: IncomingMessage, response: ServerResponse, hooks: ServerSpanHooks): void {
  const route = rpcMetadata.route ?? routeTemplate(request as RoutedRequest);
  if (route) nameServerSpan(span, request.method, route);
  if (response.writableFinished) {
    recordResponseStatus(span, response.statusCode);
    hooks.ending(span, response);
    markServerError(span, response.statusCode);
  } else {
    hooks.ending(span, response);
    markAborted(span);
  }
  span.end();
}
