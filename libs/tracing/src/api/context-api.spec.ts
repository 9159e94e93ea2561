import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import * as api from './context-api.js';

describe('trace API', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  const span = (name: string) => tracing.spans().find((candidate) => candidate.name === name)!;

  it('withSpan runs sync and async functions in an active span that ends when they finish', async () => {
    let innerTraceId: string | undefined;
    const value = api.withSpan('sync', { a: 1 }, () => {
      innerTraceId = api.getTraceId();
      return 42;
    });
    const awaited = await api.withSpan('async', {}, async (active) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      api.withSpan('nested', {}, () => undefined);
      return active.spanContext().spanId;
    });

    expect(value).toBe(42);
    expect(innerTraceId).toBe(span('sync').spanContext().traceId);
    expect(span('sync').attributes).toEqual({ a: 1 });
    expect(awaited).toBe(span('async').spanContext().spanId);
    expect(span('nested').parentSpanContext?.spanId).toBe(awaited);
  });

  it('withSpan records an error, sets ERROR and rethrows the same object', async () => {
    const error = new Error('nope');
    expect(() =>
      api.withSpan('sync-fail', {}, () => {
        throw error;
      }),
    ).toThrow(error);
    await expect(
      api.withSpan('async-fail', {}, async () => {
        throw error;
      }),
    ).rejects.toBe(error);
    for (const name of ['sync-fail', 'async-fail']) {
      expect(span(name).status).toEqual({ code: SpanStatusCode.ERROR, message: 'nope' });
      expect(span(name).events[0].name).toBe('exception');
    }
  });

  it('adds attributes, events, exceptions and status to the active span', () => {
    api.withSpan('work', {}, () => {
      api.addSpanAttributes({ 'order.id': 'o-1' });
      api.addSpanEvent('validated', { step: 1 });
      api.recordException(new Error('soft failure'));
      api.setSpanStatus({ code: SpanStatusCode.OK });
      expect(api.getSpanId()).toBe(trace.getActiveSpan()!.spanContext().spanId);
    });
    expect(span('work').attributes).toEqual({ 'order.id': 'o-1' });
    expect(span('work').events.map((event) => event.name)).toEqual(['validated', 'exception']);
    expect(span('work').status.code).toBe(SpanStatusCode.OK);
  });

  it('never throws without an active span', () => {
    expect(api.getTraceId()).toBeUndefined();
    expect(api.getSpanId()).toBeUndefined();
    expect(() => {
      api.addSpanAttributes({ a: 1 });
      api.addSpanEvent('e');
      api.recordException('x');
      api.setSpanStatus({ code: SpanStatusCode.ERROR });
      api.traceDatabaseOperation({ operation: 'SELECT', table: 'users' });
      api.traceExternalCall({ service: 'email', endpoint: '/emails' });
    }).not.toThrow();
  });

  it('bind and captured contexts continue the trace in work started later', async () => {
    let bound!: () => string | undefined;
    let captured!: ReturnType<typeof api.captureContext>;
    api.withSpan('request', {}, () => {
      bound = api.bindContext(() => api.withSpan('job', {}, () => api.getTraceId()));
      captured = api.captureContext();
    });
    await new Promise((resolve) => setTimeout(resolve, 1));
    const traceId = context.with(context.active(), bound);
    api.runWithContext(captured, () => api.withSpan('later', {}, () => undefined));

    expect(traceId).toBe(span('request').spanContext().traceId);
    expect(span('job').parentSpanContext?.spanId).toBe(span('request').spanContext().spanId);
    expect(span('later').parentSpanContext?.spanId).toBe(span('request').spanContext().spanId);
  });

  it('inject/extract carry W3C trace context and baggage through a message', () => {
    const message = api.withSpan('publish', {}, () => ({ body: 'x', headers: api.injectContext() }));
    expect(message.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    api.withSpan('consume', {}, () => undefined, { parent: api.extractContext(message.headers), kind: SpanKind.CONSUMER });
    const link = api.linkTo(message.headers, { reason: 'queued' });
    api.withSpan('batch', {}, () => undefined, { links: [link!] });

    const publish = span('publish').spanContext();
    expect(span('consume').spanContext().traceId).toBe(publish.traceId);
    expect(span('consume').parentSpanContext?.spanId).toBe(publish.spanId);
    expect(span('consume').kind).toBe(SpanKind.CONSUMER);
    expect(span('batch').spanContext().traceId).not.toBe(publish.traceId);
    expect(span('batch').links[0].context.spanId).toBe(publish.spanId);
    expect(api.linkTo({})).toBeUndefined();
  });

  it('inject/extract carry baggage too', () => {
    const withBaggage = propagation.setBaggage(context.active(), propagation.createBaggage({ tenant: { value: 'acme' } }));
    const headers = context.with(withBaggage, () => api.injectContext());
    expect(headers.baggage).toBe('tenant=acme');
    expect(propagation.getBaggage(api.extractContext(headers))?.getEntry('tenant')?.value).toBe('acme');
  });

  it('traceDatabaseOperation and traceExternalCall set semantic-convention attributes', () => {
    api.withSpan('repo', {}, () => api.traceDatabaseOperation({ operation: 'SELECT', table: 'users', system: 'postgresql', 'db.rows': 1 }));
    api.withSpan('client', {}, () => api.traceExternalCall({ service: 'email-service', endpoint: 'http://email:3001/emails', method: 'post' }));
    api.withSpan('relative', {}, () => api.traceExternalCall({ service: 'email-service', endpoint: '/emails' }));

    expect(span('repo').attributes).toEqual({
      'db.operation.name': 'SELECT',
      'db.collection.name': 'users',
      'db.system.name': 'postgresql',
      'db.rows': 1,
    });
    expect(span('client').attributes).toEqual({
      'server.service.name': 'email-service',
      'url.full': 'http://email:3001/emails',
      'http.request.method': 'POST',
    });
    expect(span('relative').attributes).toEqual({ 'server.service.name': 'email-service', 'url.path': '/emails' });
  });
});
