import type { IncomingMessage } from 'node:http';
import { propagation, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';

/** The span context each upgraded connection's request carried, by the connection's socket. */
const upgraded = new WeakMap<object, SpanContext>();

/**
 * Remembers the span context an upgrade request carries (`traceparent`), if it carries one, for the
 * messages that later arrive on the connection: each is the entry span of its own trace, linked to it.
 */
export function rememberUpgrade(request: IncomingMessage): void {
  if (request.headers.traceparent === undefined) return;
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, request.headers));
  if (spanContext) upgraded.set(request.socket, spanContext);
}

/** A WebSocket client as Nest's adapters give it: a `ws` WebSocket, or a socket.io Socket. */
interface WebSocketClient {
  /** `ws`: the connection's socket. */
  _socket?: object;
  /** socket.io: the headers of the connection's first request. */
  handshake?: { headers?: Record<string, string | string[] | undefined> };
}

/** The span context the connection of `client` was opened with, if its first request carried one. */
export function connectionContext(client: unknown): SpanContext | undefined {
  const { _socket: socket, handshake } = (client ?? {}) as WebSocketClient;
  if (socket) return upgraded.get(socket);
  if (handshake?.headers?.traceparent === undefined) return undefined;
  return trace.getSpanContext(propagation.extract(ROOT_CONTEXT, handshake.headers));
}

/** `socket.io` for a socket.io Socket, `websocket` for a plain one. */
export function webSocketSystem(client: unknown): string {
  return (client as WebSocketClient | null)?.handshake ? 'socket.io' : 'websocket';
}
