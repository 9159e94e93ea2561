import { type DecodedSpan, freePort, TraceReceiver } from '@app/test-support';
import { type AppProcess, Downstream, startTraced } from './support/processes.js';

/**
 * A hybrid app (HTTP plus `connectMicroservice` on TCP) calling its own message handlers: the case
 * where traces used to break, with and without `inheritAppConfig`.
 */
const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };

describe.each([true, false])('a hybrid app, inheritAppConfig: %s', (inheritAppConfig) => {
  let receiver: TraceReceiver;
  let downstream: Downstream;
  let app: AppProcess;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    downstream = await Downstream.start();
    app = await startTraced('hybrid', {
      ...receiver.exportEnv(),
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: 'hybrid',
      TRANSPORT: 'tcp',
      TARGET: String(await freePort()),
      INHERIT_APP_CONFIG: String(inheritAppConfig),
      DOWNSTREAM_URL: downstream.url,
    });
  });

  afterAll(async () => {
    await app?.stop();
    await downstream?.close();
    await receiver?.close();
  });

  const traceOf = async (response: Response, last: (span: DecodedSpan) => boolean) => {
    const traceId = response.headers.get('x-trace-id')!;
    await receiver.waitForSpan((span) => span.traceId === traceId && last(span));
    // Spans of one trace may come in separate batches: wait for the HTTP span, which ends last.
    await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === KIND.SERVER && span.attributes['http.route'] !== undefined);
    return receiver.spans.filter((span) => span.traceId === traceId);
  };

  it('keeps GET /sum, the TCP send, the handler and its HTTP call in one trace, one span each', async () => {
    const response = await fetch(`${app.url}/sum?a=4&b=5`);
    expect(await response.json()).toEqual({ sum: 9 });
    const spans = await traceOf(response, (span) => span.attributes['url.path'] === '/lookup');
    const http = spans.find((span) => span.name === 'GET /sum')!;
    const send = spans.find((span) => span.name === 'send sum')!;
    const handler = spans.find((span) => span.name === 'process sum')!;
    const call = spans.find((span) => span.attributes['url.path'] === '/lookup')!;
    expect([send.parentSpanId, handler.parentSpanId, call.parentSpanId]).toEqual([http.spanId, send.spanId, handler.spanId]);
    expect([send.kind, handler.kind, call.kind]).toEqual([KIND.CLIENT, KIND.SERVER, KIND.CLIENT]);
    // No INTERNAL span repeats the handler: its name is on the SERVER span when Nest runs the app's
    // interceptors for the microservice (inheritAppConfig), and the span is there either way.
    expect(spans.filter((span) => span.kind === KIND.INTERNAL)).toEqual([]);
    expect(handler.attributes['code.function.name']).toBe(inheritAppConfig ? 'WorkerController.sum' : undefined);
    expect(spans).toHaveLength(4);
  });

  it('traces an event the app emits to itself, and a handler error on both sides', async () => {
    const event = await fetch(`${app.url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":1}' });
    expect(event.status).toBe(202);
    const spans = await traceOf(event, (span) => span.kind === KIND.CONSUMER);
    const consumer = spans.find((span) => span.kind === KIND.CONSUMER)!;
    expect(spans.find((span) => span.spanId === consumer.parentSpanId)?.kind).toBe(KIND.PRODUCER);

    const failed = await fetch(`${app.url}/fail`);
    expect(failed.status).toBe(502);
    const failure = await traceOf(failed, (span) => span.name === 'process fail');
    expect(failure.filter((span) => span.name === 'send fail' || span.name === 'process fail').map((span) => span.status.code)).toEqual([2, 2]);
  });
});
