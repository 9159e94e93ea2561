import type { IncomingMessage } from 'node:http';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { propagation, ROOT_CONTEXT, type SpanContext, SpanKind, trace } from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import type { Observable } from 'rxjs';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_PROCESS,
} from '../instrumentation/messaging-attributes.js';
import { libraryTracer } from '../runtime/library-tracer.js';
import { recordFailure } from '../spans/record-error.js';
import { runInSpan } from '../spans/run-in-span.js';

/** The span context each upgraded connection's request carried, by the connection's socket. */
const upgraded = new WeakMap<object, SpanContext>();

type Headers = Record<string, string | string[] | undefined>;

/** The span context `traceparent` in `headers` names, if they carry a valid one. */
function carriedContext(headers: Headers | undefined): SpanContext | undefined {
  if (headers?.traceparent === undefined) return undefined;
  return trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers));
}

/**
 * Remembers the span context an upgrade request carries (`traceparent`), if it carries one, for the
 * messages that later arrive on the connection: each is the entry span of its own trace, linked to it.
 */
export function rememberUpgrade(request: IncomingMessage): void {
  const spanContext = carriedContext(request.headers);
  if (spanContext) upgraded.set(request.socket, spanContext);
}

/** A WebSocket client as Nest's adapters give it: a `ws` WebSocket, or a socket.io Socket. */
interface WebSocketClient {
  /** `ws`: the connection's socket. */
  _socket?: object;
  /** socket.io: the headers of the connection's first request. */
  handshake?: { headers?: Headers };
}

/** The span context the connection of `client` was opened with, if its first request carried one. */
export function connectionContext(client: unknown): SpanContext | undefined {
  const { _socket: socket, handshake } = (client ?? {}) as WebSocketClient;
  return socket ? upgraded.get(socket) : carriedContext(handshake?.headers);
}

/** `socket.io` for a socket.io Socket, `websocket` for a plain one. */
export function webSocketSystem(client: unknown): string {
  return (client as WebSocketClient | null)?.handshake ? 'socket.io' : 'websocket';
}

/**
 * Runs a WebSocket message's handler as the entry of a trace of its own, as a message a consumer
 * processes: a connection lives for hours, and its messages have nothing else in common. The span
 * links to the context the connection was opened with, when its first request carried `traceparent`.
 */
export function runWebSocketMessage(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
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
