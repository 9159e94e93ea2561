import { type Context, createContextKey, type Span } from '@opentelemetry/api';

const MESSAGE_SPAN = createContextKey('nestjs-tracing message span');

/**
 * Marks `span` as the entry span of a message handler (SERVER for `@MessagePattern`, CONSUMER for
 * `@EventPattern`, gRPC's SERVER span), so what runs inside the handler (Nest's RPC exception
 * filter, the interceptor) can describe it as the HTTP server span is described.
 */
export function setMessageSpan(parent: Context, span: Span): Context {
  return parent.setValue(MESSAGE_SPAN, span);
}

/** The entry span of the message being handled in `active`, if any. */
export function getMessageSpan(active: Context): Span | undefined {
  return active.getValue(MESSAGE_SPAN) as Span | undefined;
}
