import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Context, context, type Span, SpanKind } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import type { Observable } from 'rxjs';
import { runInNewSpan } from '../api/span-lifecycle.js';
import { getMessageSpan } from '../instrumentation/message-span.js';
import { isUnsampled } from '../runtime/library-tracer.js';
import { recordObservableError } from '../spans/run-in-span.js';
import type { TracingRuntime } from '../runtime/tracing-runtime.js';
import { TRACING_REQUEST_OPTIONS, TRACING_RUNTIME } from '../tracing.constants.js';
import { routeTemplate, type RoutedRequest } from './http-server-span.js';
import type { RequestTracingOptions } from './request-filter.js';
import { runResolver } from './resolver-spans.js';
import { runWebSocketMessage } from './websocket-messages.js';

/**
 * Names the request's SERVER span after the route template and the handler (`code.function.name`)
 * and records the handler's exception on it; a message handler's span (SERVER or CONSUMER, made by
 * the microservices instrumentation) gets the handler's name too. A GraphQL resolver gets a span
 * under its operation, a WebSocket message the entry span of a trace of its own. Handlers without an
 * entry span (a microservice transport the library does not trace), and HTTP handlers when
 * `httpHandlerSpans` is on, get an INTERNAL span `Controller.method` of their own.
 */
@Injectable()
export class TracingInterceptor implements NestInterceptor {
  constructor(
    @Inject(TRACING_RUNTIME) private readonly runtime: TracingRuntime,
    @Inject(TRACING_REQUEST_OPTIONS) private readonly options: RequestTracingOptions,
  ) {}

  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.runtime.enabled) return next.handle();
    const type = executionContext.getType<string>();
    if (type === 'graphql') return runResolver(executionContext, next);
    if (type === 'ws') return runWebSocketMessage(executionContext, next);
    const parent = context.active();
    // An unsampled request's spans record nothing, the server span's name included.
    if (isUnsampled(parent)) return next.handle();
    const name = `${executionContext.getClass().name}.${executionContext.getHandler().name}`;
    const messageSpan = type === 'rpc' ? getMessageSpan(parent) : undefined;
    if (messageSpan) {
      messageSpan.setAttribute(ATTR_CODE_FUNCTION_NAME, name);
      return next.handle();
    }
    const serverSpan = type === 'http' ? this.describeServerSpan(executionContext, parent, name) : undefined;
    if (serverSpan && !this.options.httpHandlerSpans) {
      return recordObservableError(next.handle(), serverSpan);
    }
    return runInNewSpan(name, { kind: SpanKind.INTERNAL, attributes: { [ATTR_CODE_FUNCTION_NAME]: name } }, parent, () => next.handle());
  }

  /**
   * Gives the request's SERVER span the handler's name now and its route for later: the server
   * request tracer names the span from that route when the response ends (the instrumentation's
   * span, if another one made it, reads the same field), and marks a 5xx there.
   */
  private describeServerSpan(executionContext: ExecutionContext, parent: Context, handlerName: string): Span | undefined {
    const rpcMetadata = getRPCMetadata(parent);
    if (rpcMetadata?.type !== RPCType.HTTP) return undefined;
    const route = routeTemplate(executionContext.switchToHttp().getRequest<RoutedRequest>());
    if (route) rpcMetadata.route = route;
    return rpcMetadata.span.setAttribute(ATTR_CODE_FUNCTION_NAME, handlerName);
  }
}
