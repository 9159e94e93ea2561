import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Context, context, ROOT_CONTEXT, type Span, SpanKind } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import type { Observable } from 'rxjs';
import { runInNewSpan } from '../api/span-lifecycle.js';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_PROCESS,
} from '../instrumentation/messaging-attributes.js';
import { recordFailure } from '../spans/record-error.js';
import { recordObservableError, runInSpan } from '../spans/run-in-span.js';
import { getMessageSpan } from '../instrumentation/message-span.js';
import { isUnsampled, libraryTracer } from '../runtime/library-tracer.js';
import type { TracingRuntime } from '../runtime/tracing-runtime.js';
import { TRACING_REQUEST_OPTIONS, TRACING_RUNTIME } from '../tracing.constants.js';
import { connectionContext, webSocketSystem } from './connection-context.js';
import { routeTemplate, type RoutedRequest } from './http-server-span.js';
import type { RequestTracingOptions } from './request-filter.js';
import { nameGraphqlOperation, type ResolveInfo, runResolver } from './resolver-spans.js';

/**
 * Names the request's SERVER span after the route template and the handler (`code.function.name`)
 * and records the handler's exception on it; a message handler's span (SERVER or CONSUMER, made by
 * the microservices instrumentation) gets the handler's name too. Handlers without an entry span
 * (WebSocket, a microservice transport the library does not trace), and HTTP handlers when
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
    const parent = context.active();
    const type = executionContext.getType<string>();
    const info = type === 'graphql' ? executionContext.getArgByIndex<ResolveInfo | undefined>(3) : undefined;
    if (type === 'graphql') nameGraphqlOperation(parent, info);
    if (type === 'ws') return handleWebSocketMessage(executionContext, next);
    // An unsampled request's spans record nothing, the server span's name included.
    if (isUnsampled(parent)) return next.handle();
    const name = `${executionContext.getClass().name}.${executionContext.getHandler().name}`;
    if (type === 'graphql') return runResolver(name, parent, executionContext.getArgByIndex(2), info, () => next.handle());
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

/**
 * A WebSocket message is the entry of a trace of its own, as a message a consumer processes: a
 * connection lives for hours, and its messages have nothing else in common. The span links to the
 * context the connection was opened with, when its first request carried `traceparent`.
 */
function handleWebSocketMessage(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
  const ws = executionContext.switchToWs();
  const client = ws.getClient<unknown>();
  const event = String(ws.getPattern());
  const opened = connectionContext(client);
  const span = libraryTracer().startSpan(
    `process ${event}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links: opened ? [{ context: opened }] : [],
      attributes: {
        [ATTR_MESSAGING_SYSTEM]: webSocketSystem(client),
        [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_PROCESS,
        [ATTR_MESSAGING_OPERATION_NAME]: 'process',
        [ATTR_MESSAGING_DESTINATION_NAME]: event,
        [ATTR_CODE_FUNCTION_NAME]: `${executionContext.getClass().name}.${executionContext.getHandler().name}`,
      },
    },
    ROOT_CONTEXT,
  );
  return runInSpan(span, ROOT_CONTEXT, () => next.handle(), recordFailure);
}
