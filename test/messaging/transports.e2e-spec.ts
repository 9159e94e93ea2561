import { randomUUID } from 'node:crypto';

import { type DecodedSpan, freePort, TraceReceiver } from '@app/test-support';
import type { TransportKey } from './apps/transport-options.js';
import { type Broker, REDIS_ADDRESS, startKafka, startMosquitto, startNats, startRabbitMq } from './support/brokers.js';
import { type AppProcess, Downstream, startTraced, startUntraced } from './support/processes.js';

/**
 * Each of Nest's transports against its real broker, as users run them: an HTTP gateway that sends
 * over the transport to a worker made with `NestFactory.createMicroservice`, whose handlers make HTTP
 * calls of their own. Beside the two traced apps run an untraced worker and an untraced gateway (no
 * preload, no library), to prove that both directions still work with a peer that does not use it.
 */
const KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };
const ERROR = 2;

interface TransportCase {
  transport: TransportKey;
  /** `messaging.system`, or `rpc.system` for gRPC. */
  system: string;
  startBroker?: () => Promise<Broker>;
  /** Each worker's own destination: a TCP port, a RabbitMQ queue, a Kafka client and group, a gRPC address. */
  target: (worker: 'main' | 'peer') => Promise<string>;
  events: boolean;
  /** Where the context travels: the message's headers, or the packet beside the payload (transports without headers). */
  carrier?: 'header' | 'packet';
}

/** Production clusters create their topics ahead; on a fresh broker, auto-creation races the first subscription. */
const KAFKA_TOPICS = ['sum', 'echo', 'fail', 'carrier'].flatMap((topic) => [topic, `${topic}.reply`]).concat('user.created', 'user.rejected');
const port = async () => String(await freePort());
const named = async (worker: string) => `${worker}-${randomUUID().slice(0, 8)}`;

const CASES: TransportCase[] = [
  { transport: 'tcp', system: 'tcp', target: port, events: true, carrier: 'packet' },
  {
    transport: 'redis',
    system: 'redis',
    startBroker: async () => ({ address: REDIS_ADDRESS, stop: async () => {}, output: () => '' }),
    target: named,
    events: true,
    carrier: 'packet',
  },
  { transport: 'nats', system: 'nats', startBroker: startNats, target: named, events: true, carrier: 'header' },
  { transport: 'mqtt', system: 'mqtt', startBroker: startMosquitto, target: named, events: true, carrier: 'packet' },
  { transport: 'mqtt5', system: 'mqtt', startBroker: startMosquitto, target: named, events: true, carrier: 'header' },
  { transport: 'rmq', system: 'rabbitmq', startBroker: startRabbitMq, target: named, events: true, carrier: 'header' },
  {
    transport: 'kafka',
    system: 'kafka',
    startBroker: () => startKafka(['', 'peer.'].flatMap((prefix) => KAFKA_TOPICS.map((topic) => `${prefix}${topic}`))),
    target: named,
    events: true,
    carrier: 'header',
  },
  { transport: 'grpc', system: 'grpc', target: async () => `127.0.0.1:${await freePort()}`, events: false },
];

/** A payload with what a careless carrier would break: non-ASCII text, numbers, nulls, and keys named like trace fields. */
const PAYLOAD = {
  text: 'Grüße, 👋 «quoted» \\ "escaped"',
  numbers: [1, 2.5, -3, 0],
  nested: { metadata: { traceparent: 'owned by the app' }, flag: true, nothing: null },
};
/** The same for gRPC, whose messages math.proto shapes. */
const GRPC_PAYLOAD = { text: 'Grüße, 👋 «quoted»', numbers: [1, 2, -3], labels: { metadata: 'owned by the app', traceparent: 'x' } };

describe.each(CASES)('the $transport transport', ({ transport, system, startBroker, target, events, carrier }) => {
  let receiver: TraceReceiver;
  let downstream: Downstream;
  let broker: Broker | undefined;
  const apps: AppProcess[] = [];
  let gateway: AppProcess;
  let untracedGateway: AppProcess;
  const payload = transport === 'grpc' ? GRPC_PAYLOAD : PAYLOAD;
  const rpc = transport === 'grpc';

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    downstream = await Downstream.start();
    broker = await startBroker?.();
    const [main, peer] = [await target('main'), await target('peer')];
    const common = { TRANSPORT: transport, BROKER: broker?.address ?? '', DOWNSTREAM_URL: downstream.url };
    const traced = { ...common, ...receiver.exportEnv(), OTEL_BSP_SCHEDULE_DELAY: '50' };
    apps.push(await startTraced('worker', { ...traced, OTEL_SERVICE_NAME: 'worker', TARGET: main }));
    apps.push(await startUntraced('worker', { ...common, TARGET: peer, PATTERN_PREFIX: 'peer.' }));
    gateway = await startTraced('gateway', { ...traced, OTEL_SERVICE_NAME: 'gateway', MAIN_TARGET: main, PEER_TARGET: peer, PEER_PATTERN_PREFIX: 'peer.' });
    untracedGateway = await startUntraced('gateway', { ...common, MAIN_TARGET: `${main}` });
    apps.push(gateway, untracedGateway);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await broker?.stop();
    await downstream?.close();
    await receiver?.close();
  }, 60_000);

  const trace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const service = (span: DecodedSpan) => span.resource['service.name'];
  /** Waits until the trace of `response` holds a span of each of `kinds`, then returns its spans. */
  const traceOf = (response: Response, ...kinds: number[]) => {
    const traceId = response.headers.get('x-trace-id')!;
    const complete = (spans: DecodedSpan[]) =>
      kinds.every((kind, index) => spans.filter((span) => span.kind === kind).length >= kinds.slice(0, index + 1).filter((k) => k === kind).length);
    return receiver.waitFor(() => (complete(trace(traceId)) ? trace(traceId) : undefined), 15_000);
  };
  const child = (spans: DecodedSpan[], parent: DecodedSpan, predicate: (span: DecodedSpan) => boolean) => {
    const found = spans.filter((span) => span.parentSpanId === parent.spanId && predicate(span));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const diagnostics = () => apps.map((app) => app.output().slice(-1500)).join('\n---\n');

  it('traces a reply in one trace: HTTP → send → handler → the handler’s own HTTP call', async () => {
    const response = await fetch(`${gateway.url}/sum?a=2&b=3`);
    expect({ status: response.status, body: await response.json(), diagnostics: response.status === 200 ? '' : diagnostics() }).toEqual({
      status: 200,
      body: { sum: 5 },
      diagnostics: '',
    });
    const spans = await traceOf(response, KIND.SERVER, KIND.CLIENT, KIND.SERVER, KIND.CLIENT);

    const http = spans.find((span) => span.kind === KIND.SERVER && service(span) === 'gateway')!;
    expect(http.name).toBe('GET /sum');
    const send = child(spans, http, (span) => span.kind === KIND.CLIENT);
    const handler = child(spans, send, (span) => span.kind === KIND.SERVER);
    // The send stands for the whole hand-over: what the transport's client library does underneath
    // (a Redis PUBLISH and SUBSCRIBE, a first connection) makes no spans of its own.
    expect(spans.filter((span) => span.parentSpanId === send.spanId)).toEqual([handler]);
    // The handler's span holds the transport's reply, though (Redis's is a traced PUBLISH).
    const call = child(spans, handler, (span) => span.kind === KIND.CLIENT && span.attributes['url.path'] === '/lookup');
    expect(service(send)).toBe('gateway');
    expect(service(handler)).toBe('worker');
    expect(service(call)).toBe('worker');
    const received = downstream.calls.find((recorded) => recorded.traceparent?.split('-')[1] === http.traceId);
    expect(received?.traceparent).toBe(`00-${http.traceId}-${call.spanId}-01`);

    if (rpc) {
      expect(send).toMatchObject({
        name: 'grpc.math.MathService/Sum',
        attributes: { 'rpc.system': 'grpc', 'rpc.service': 'math.MathService', 'rpc.method': 'Sum' },
      });
      expect(handler).toMatchObject({
        name: 'grpc.math.MathService/Sum',
        attributes: { 'rpc.system': 'grpc', 'code.function.name': 'GrpcWorkerController.sum' },
      });
      return;
    }
    expect(send).toMatchObject({
      name: 'send sum',
      attributes: { 'messaging.system': system, 'messaging.operation.type': 'send', 'messaging.operation.name': 'send' },
    });
    expect(handler).toMatchObject({
      name: 'process sum',
      attributes: { 'messaging.system': system, 'messaging.operation.type': 'process', 'code.function.name': 'WorkerController.sum' },
    });
    expect(send.attributes['messaging.destination.name']).toEqual(transport === 'rmq' ? expect.stringMatching(/^main-/) : 'sum');
    expect(handler.attributes['messaging.destination.name']).toBe(send.attributes['messaging.destination.name']);
    expect(send.attributes['server.address']).toBe('127.0.0.1');
    expect(send.attributes['server.port']).toEqual(expect.any(Number));
  });

  if (carrier) {
    it(`carries the context in the message's ${carrier === 'header' ? 'headers' : 'packet, beside the payload'}`, async () => {
      const response = await fetch(`${gateway.url}/carrier`);
      expect(await response.json()).toEqual({ header: carrier === 'header', packet: carrier === 'packet' });
    });
  }

  it('marks both sides as errors when the handler throws', async () => {
    const response = await fetch(`${gateway.url}/fail`);
    expect(response.status).toBe(502);
    const spans = await traceOf(response, KIND.SERVER, KIND.CLIENT, KIND.SERVER);
    const sender = spans.find((span) => span.kind === KIND.CLIENT && span.name === (rpc ? 'grpc.math.MathService/Fail' : 'send fail'))!;
    const handler = child(spans, sender, (span) => span.kind === KIND.SERVER);
    expect(sender.status.code).toBe(ERROR);
    expect(handler.status.code).toBe(ERROR);
    const exception = handler.events.find((event) => event.name === 'exception')!;
    expect(exception.attributes).toMatchObject({ 'exception.type': 'RpcException', 'exception.message': 'refused: no' });
    expect(exception.attributes['exception.stacktrace']).toContain(rpc ? 'GrpcWorkerController.fail' : 'WorkerController.fail');
  });

  // gRPC has no events.
  if (events) {
    it('traces an event: emit → CONSUMER → its HTTP call, the payload unchanged', async () => {
      const body = { ...PAYLOAD, id: randomUUID() };
      const response = await post(`${gateway.url}/events`, body);
      expect(response.status).toBe(202);
      const spans = await traceOf(response, KIND.SERVER, KIND.PRODUCER, KIND.CONSUMER, KIND.CLIENT);
      const http = spans.find((span) => span.kind === KIND.SERVER)!;
      const emit = child(spans, http, (span) => span.kind === KIND.PRODUCER);
      const consumer = child(spans, emit, (span) => span.kind === KIND.CONSUMER);
      const call = child(spans, consumer, (span) => span.kind === KIND.CLIENT && span.attributes['url.path'] === '/events');
      expect(emit).toMatchObject({ name: 'emit user.created', attributes: { 'messaging.system': system, 'messaging.operation.name': 'emit' } });
      expect(consumer).toMatchObject({
        name: 'process user.created',
        attributes: { 'messaging.system': system, 'code.function.name': 'WorkerController.created' },
      });
      expect(service(call)).toBe('worker');
      const received = downstream.calls.find((recorded) => recorded.path === '/events' && recorded.body.includes(body.id))!;
      expect(JSON.parse(received.body)).toEqual(body);
      expect(received.traceparent).toBe(`00-${http.traceId}-${call.spanId}-01`);
    });

    it('marks an event handler’s CONSUMER span when it throws', async () => {
      const response = await post(`${gateway.url}/rejections`, { id: randomUUID() });
      expect(response.status).toBe(202);
      const spans = await traceOf(response, KIND.SERVER, KIND.PRODUCER, KIND.CONSUMER);
      const consumer = spans.find((span) => span.kind === KIND.CONSUMER)!;
      expect(consumer.status.code).toBe(ERROR);
      expect(consumer.events.find((event) => event.name === 'exception')?.attributes['exception.message']).toBe('rejected user');
    });
  }

  it('hands the handler exactly what was sent, traced or not, in both directions', async () => {
    for (const [from, to] of [
      [gateway, ''],
      [gateway, '?to=peer'],
      [untracedGateway, ''],
    ] as const) {
      const response = await post(`${from.url}/echo${to}`, payload);
      expect({ from: from === gateway ? 'traced' : 'untraced', to, status: response.status, body: await response.json() }).toEqual({
        from: from === gateway ? 'traced' : 'untraced',
        to,
        status: 201,
        body: payload,
      });
    }
    const sum = await fetch(`${gateway.url}/sum?a=20&b=22&to=peer`);
    expect(await sum.json()).toEqual({ sum: 42 });
    if (events) {
      const body = { ...PAYLOAD, id: randomUUID() };
      expect((await post(`${gateway.url}/events?to=peer`, body)).status).toBe(202);
      expect((await post(`${untracedGateway.url}/events`, { ...body, id: `${body.id}-2` })).status).toBe(202);
      const received = await receiver.waitFor(() => {
        const calls = downstream.calls.filter((call) => call.path === '/events' && call.body.includes(body.id));
        return calls.length === 2 ? calls : undefined;
      });
      expect(received.map((call) => JSON.parse(call.body) as unknown)).toEqual(expect.arrayContaining([body, { ...body, id: `${body.id}-2` }]));
    }
  });

  it('starts a trace of its own for a message from an untraced sender', async () => {
    const response = await fetch(`${untracedGateway.url}/sum?a=1&b=1`);
    expect(await response.json()).toEqual({ sum: 2 });
    // The traced gateway always sends a context, so a worker SERVER span without a parent is the untraced gateway's message.
    const handler = await receiver.waitForSpan((span) => span.kind === KIND.SERVER && service(span) === 'worker' && span.parentSpanId === '');
    expect(trace(handler.traceId).some((span) => service(span) === 'gateway')).toBe(false);
  });
});
