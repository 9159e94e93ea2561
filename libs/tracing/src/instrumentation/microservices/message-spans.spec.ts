import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { ServerTCP, TcpContext } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, Observable, of, Subject, throwError } from 'rxjs';
import { setupTestTracing, type TestTracing } from '../../testing/index.js';
import { getMessageSpan } from '../message-span.js';
import { contextFields } from './carriers.js';
import { MessageSpans, type MessageHandler, recordHandlerException } from './message-spans.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SENDER = 'b7ad6b7169203331';

describe('MessageSpans', () => {
  let tracing: TestTracing;
  let spans: MessageSpans;
  beforeEach(() => {
    tracing = setupTestTracing();
    spans = new MessageSpans(() => trace.getTracer('test'));
  });
  afterEach(() => tracing.shutdown());

  const tcpContext = (metadata?: object) => new TcpContext([{} as never, 'sum', metadata as never]);
  const sent = { traceparent: `00-${TRACE_ID}-${SENDER}-01` };

  describe('handlers', () => {
    it('runs a message handler in a SERVER span under the sender’s context, ended when its reply completes', async () => {
      let inside: unknown;
      const handler = spans.handler(
        new ServerTCP({}),
        'tcp',
        'sum',
        async () => {
          inside = getMessageSpan(context.active());
          return of(3);
        },
        false,
      );
      const reply = (await handler({ a: 1 }, tcpContext(sent))) as Observable<number>;
      expect(tracing.spans()).toHaveLength(0);
      expect(await lastValueFrom(reply)).toBe(3);
      const [span] = tracing.spans();
      expect(span).toMatchObject({ name: 'process sum', kind: SpanKind.SERVER, parentSpanContext: expect.objectContaining({ spanId: SENDER }) });
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.attributes).toMatchObject({ 'messaging.system': 'tcp', 'messaging.destination.name': 'sum', 'messaging.operation.type': 'process' });
      expect(inside).toBeDefined();
    });

    it('starts a new trace for a message that carries no context, whatever is active where it arrives', async () => {
      const unrelated = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), traceFlags: TraceFlags.SAMPLED });
      const handler = spans.handler(new ServerTCP({}), 'tcp', 'sum', async () => 1, false);
      await context.with(unrelated, () => handler({}, tcpContext()));
      expect(tracing.spans()[0].parentSpanContext).toBeUndefined();
    });

    it('records the handler’s own exception once, not again as the reply’s filtered error', async () => {
      const handler = spans.handler(
        new ServerTCP({}),
        'tcp',
        'fail',
        async () => {
          const exception = new TypeError('bad input');
          recordHandlerException(exception);
          return throwError(() => ({ status: 'error', message: 'Internal server error' }));
        },
        false,
      );
      await expect(lastValueFrom((await handler({}, tcpContext(sent))) as Observable<never>)).rejects.toEqual(expect.objectContaining({ status: 'error' }));
      const [span] = tracing.spans();
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.events.map((event) => event.attributes?.['exception.type'])).toEqual(['TypeError']);
    });

    it('gives each event handler of a pattern its CONSUMER span and keeps Nest’s chain between them', async () => {
      const server = new ServerTCP({});
      const calls: string[] = [];
      // As Nest's ListenersController builds event handlers: each calls the next one it was linked to.
      const listener = (name: string): MessageHandler => {
        const own: MessageHandler = async (...args) => {
          calls.push(name);
          return own.next?.(...args);
        };
        return own;
      };
      for (const name of ['first', 'second']) server.addHandler('created', spans.handler(server, 'tcp', 'created', listener(name), true) as never, true);
      await server.getHandlerByPattern('created')!({ id: 1 }, tcpContext(sent));
      expect(calls).toEqual(['first', 'second']);
      expect(tracing.spans().map((span) => [span.kind, span.parentSpanContext?.spanId])).toEqual([
        [SpanKind.CONSUMER, SENDER],
        [SpanKind.CONSUMER, SENDER],
      ]);
    });

    it('runs a custom transport’s handler under the context its strategy made active, named by its transport id', async () => {
      const strategy = Object.assign(new ServerTCP({}), { transportId: Symbol('GOOGLE_PUBSUB') });
      const handler = spans.handler(strategy, undefined, 'orders', async () => undefined, true);
      const sender = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SENDER, traceFlags: TraceFlags.SAMPLED, isRemote: true });
      await context.with(sender, () => handler({}, {}));
      expect(tracing.spans()[0]).toMatchObject({ name: 'process orders', kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'GOOGLE_PUBSUB' } });
      expect(tracing.spans()[0].parentSpanContext?.spanId).toBe(SENDER);
    });

    it('wraps a handler once', () => {
      const handler = spans.handler(new ServerTCP({}), 'tcp', 'sum', async () => 1, false);
      expect(spans.handler(new ServerTCP({}), 'tcp', 'sum', handler, false)).toBe(handler);
    });
  });

  describe('clients', () => {
    const client = { host: '10.1.2.3', port: 3001 };

    it('starts a send’s CLIENT span when the reply is subscribed to and ends it with the reply', async () => {
      const replies = new Subject<number>();
      let activeInSend: string | undefined;
      let carried: unknown;
      const reply$ = spans.send('tcp', client, 'sum', () => {
        activeInSend = trace.getActiveSpan()?.spanContext().spanId;
        // The transport's own library makes no spans inside the hand-over, yet the message carries its span.
        trace.getTracer('transport').startSpan('PUBLISH').end();
        carried = contextFields(context.active());
        return replies;
      });
      expect(activeInSend).toBeUndefined();
      const result = firstValueFrom(reply$);
      replies.next(7);
      expect(await result).toBe(7);
      const [span] = tracing.spans();
      expect(span).toMatchObject({
        name: 'send sum',
        kind: SpanKind.CLIENT,
        attributes: { 'server.address': '10.1.2.3', 'server.port': 3001, 'messaging.operation.name': 'send' },
      });
      expect(activeInSend).toBe(span.spanContext().spanId);
      expect(tracing.spans()).toHaveLength(1);
      expect(carried).toEqual({ traceparent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01` });
    });

    it('marks a send whose reply fails', async () => {
      await expect(firstValueFrom(spans.send('tcp', client, 'fail', () => throwError(() => ({ status: 'error', message: 'refused' }))))).rejects.toBeDefined();
      expect(tracing.spans()[0].status).toEqual({ code: SpanStatusCode.ERROR, message: 'refused' });
    });

    it('ends an emit’s PRODUCER span when the message is handed over, whether or not anyone subscribes', async () => {
      const published = new Subject<void>();
      spans.emit('tcp', client, 'created', 'emit', () => published);
      expect(tracing.spans()).toHaveLength(0);
      published.complete();
      expect(tracing.spans()[0]).toMatchObject({ name: 'emit created', kind: SpanKind.PRODUCER });
    });

    it('counts the messages of a Kafka batch', () => {
      spans.emit('kafka', { brokers: ['k:9092'] }, 'orders', 'emitBatch', () => of(undefined), 3);
      expect(tracing.spans()[0]).toMatchObject({ name: 'emit orders', attributes: { 'messaging.batch.message_count': 3, 'messaging.operation.name': 'emit' } });
    });
  });
});
