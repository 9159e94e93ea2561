import { type Context, createContextKey, type Span, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

const MESSAGE_SPAN = createContextKey('nestjs-tracing message span');
const SENT_CONTEXT = createContextKey('nestjs-tracing sent message context');

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

/**
 * The context in which a client hands a message to its transport (Nest's `send` and `emit`,
 * BullMQ's `add`): `span` is active, and the instrumentations of the libraries underneath (ioredis
 * under the Redis transport and BullMQ, kafkajs, amqplib) make no spans of their own, as the span
 * already stands for the whole hand-over. The message still carries the span's context: see
 * {@link sentContext}.
 */
export function handOverContext(parent: Context, span: Span): Context {
  // Nested in another hand-over (a BullMQ flow adds its nodes inside its own), from that one's context.
  const active = trace.setSpan(sentContext(parent), span);
  return suppressTracing(active).setValue(SENT_CONTEXT, active);
}

/** The context a message sent in `active` carries: the hand-over's span, though tracing is suppressed there. */
export function sentContext(active: Context): Context {
  return (active.getValue(SENT_CONTEXT) as Context | undefined) ?? active;
}
