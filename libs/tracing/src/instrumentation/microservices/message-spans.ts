import { type Attributes, context, type Span, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { defer, type Observable } from 'rxjs';
import { recordFailure } from '../../spans/record-error.js';
import { runInContext, runInContextUntilSubscribed } from '../../spans/run-in-span.js';
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_PROCESS,
  MESSAGING_OPERATION_TYPE_SEND,
} from '../messaging-attributes.js';
import { getMessageSpan, handOverContext, setMessageSpan } from '../message-span.js';
import {
  clientAttributes,
  type MessageTransport,
  type NestClient,
  type NestServer,
  receivedAttributes,
  type RpcContext,
  senderContext,
  type TransportName,
} from './transports.js';

/** A Nest message handler as `Server.addHandler` receives it; Nest chains event handlers through `next`. */
export interface MessageHandler {
  (...args: unknown[]): unknown;
  next?: MessageHandler;
}

/** The client operations that send: `send` waits for a reply, `emit` (and Kafka's `emitBatch`) does not. */
export type ClientOperation = 'send' | 'emit' | 'emitBatch';

const tracedHandlers = new WeakSet<MessageHandler>();
/** Spans whose handler's own exception was recorded; the error their reply stream then carries is its filtered form. */
const failedWithException = new WeakSet<Span>();

function recordReplyError(span: Span, error: unknown): void {
  if (!failedWithException.has(span)) recordFailure(span, error);
}

/**
 * Records the exception a message handler threw on the handler's span, before Nest's RPC exception
 * filter turns it into the `{ status, message }` it replies with: the span keeps the exception's
 * type and stack. Called from `BaseRpcExceptionFilter.catch`, which runs inside the handler's context.
 */
export function recordHandlerException(exception: unknown): void {
  const span = getMessageSpan(context.active());
  if (!span || failedWithException.has(span)) return;
  recordFailure(span, exception);
  failedWithException.add(span);
}

/**
 * The spans of Nest's transports, made with the instrumentation's tracer. Their attributes go only to
 * spans that record: an unsampled message should cost next to nothing.
 */
export class MessageSpans {
  constructor(private readonly tracer: () => Tracer) {}

  /**
   * `send` is cold: its CLIENT span starts when the reply is subscribed to, under the context active
   * then, and ends with the reply (or the unsubscription that gives up on it). The transport's
   * packet is built inside the span, which is what its context travels in.
   */
  send(transport: MessageTransport, client: NestClient, destination: string, send: () => Observable<unknown>): Observable<unknown> {
    return defer(() => {
      const parent = context.active();
      const span = this.tracer().startSpan(`send ${destination}`, { kind: SpanKind.CLIENT }, parent);
      if (span.isRecording()) span.setAttributes(sentAttributes(transport, client, destination, 'send'));
      return runInContext(span, handOverContext(parent, span), send, recordFailure);
    });
  }

  /**
   * `emit` is hot: Nest publishes on the call, whoever subscribes. Its PRODUCER span ends when the
   * broker or server has taken the message, or failed to.
   */
  emit(
    transport: MessageTransport,
    client: NestClient,
    destination: string,
    operation: Exclude<ClientOperation, 'send'>,
    emit: () => Observable<unknown>,
    batchSize?: number,
  ): Observable<unknown> {
    const parent = context.active();
    const span = this.tracer().startSpan(`${operation === 'emitBatch' ? 'emit' : operation} ${destination}`, { kind: SpanKind.PRODUCER }, parent);
    if (span.isRecording()) {
      span.setAttributes(sentAttributes(transport, client, destination, operation));
      if (batchSize !== undefined) span.setAttribute(ATTR_MESSAGING_BATCH_MESSAGE_COUNT, batchSize);
    }
    let published: Observable<unknown>;
    try {
      published = context.with(handOverContext(parent, span), emit);
    } catch (error) {
      recordFailure(span, error);
      span.end();
      throw error;
    }
    published.subscribe({
      error: (error: unknown) => {
        recordFailure(span, error);
        span.end();
      },
      complete: () => span.end(),
    });
    return published;
  }

  /**
   * Wraps a handler so that each message it handles runs in a span that continues its sender's
   * trace: SERVER for `@MessagePattern`, CONSUMER for `@EventPattern`, named `process <pattern>`.
   * gRPC's calls already run in the gRPC instrumentation's SERVER span, which the handler describes.
   */
  handler(server: NestServer, transport: TransportName | undefined, route: string, handler: MessageHandler, isEventHandler: boolean): MessageHandler {
    if (tracedHandlers.has(handler)) return handler;
    const tracer = () => this.tracer();
    const traced: MessageHandler = function (this: unknown, ...args: unknown[]): unknown {
      if (transport === 'grpc') return inGrpcSpan(() => handler.apply(this, args));
      const rpcContext = (args[args.length - 1] ?? {}) as RpcContext;
      const parent = transport ? senderContext(transport, rpcContext) : context.active();
      const span = tracer().startSpan(`process ${route}`, { kind: isEventHandler ? SpanKind.CONSUMER : SpanKind.SERVER }, parent);
      if (span.isRecording()) {
        const attributes: Attributes = transport ? receivedAttributes(transport, server, rpcContext, route) : { [ATTR_MESSAGING_SYSTEM]: customSystem(server) };
        attributes[ATTR_MESSAGING_OPERATION_TYPE] = MESSAGING_OPERATION_TYPE_PROCESS;
        attributes[ATTR_MESSAGING_OPERATION_NAME] = MESSAGING_OPERATION_TYPE_PROCESS;
        span.setAttributes(attributes);
      }
      return runInContext(span, setMessageSpan(trace.setSpan(parent, span), span), () => handler.apply(this, args), recordReplyError);
    };
    // Nest links a pattern's event handlers through `next` on the handlers it created; the wrapper
    // stands in for the original in that chain, so both must see the same link.
    Object.defineProperty(traced, 'next', {
      get: () => handler.next,
      set: (next: MessageHandler | undefined) => {
        handler.next = next;
      },
    });
    tracedHandlers.add(traced);
    return traced;
  }
}

/** A gRPC handler runs in the gRPC instrumentation's SERVER span, which it marks as its message span. */
function inGrpcSpan(call: () => unknown): unknown {
  const span = trace.getActiveSpan();
  return span ? runInContextUntilSubscribed(setMessageSpan(context.active(), span), call) : call();
}

function sentAttributes(transport: MessageTransport, client: NestClient, destination: string, operation: ClientOperation): Attributes {
  return {
    ...clientAttributes(transport, client, destination),
    [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_SEND,
    [ATTR_MESSAGING_OPERATION_NAME]: operation === 'emitBatch' ? 'emit' : operation,
  };
}

/** A custom transport strategy is named by its transport id (a symbol's description) or its class. */
function customSystem(server: NestServer): string {
  const id = server.transportId;
  return (typeof id === 'symbol' && id.description) || server.constructor.name;
}
