import { randomUUID } from 'node:crypto';
import { type DecodedSpan, TraceReceiver } from '@app/test-support';
import { REDIS_ADDRESS } from './support/brokers.js';
import { type AppProcess, Downstream, type DownstreamCall, startTraced } from './support/processes.js';

/**
 * BullMQ on the real Redis, through @nestjs/bullmq and through BullMQ's own classes: an HTTP app
 * adds jobs, a worker app processes them and calls the test's HTTP server from each job.
 */
const KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };
const ERROR = 2;

describe('BullMQ', () => {
  let receiver: TraceReceiver;
  let downstream: Downstream;
  let gateway: AppProcess;
  const workers: AppProcess[] = [];
  const prefix = `bull-test-${randomUUID().slice(0, 8)}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    downstream = await Downstream.start();
    env = { ...receiver.exportEnv(), OTEL_BSP_SCHEDULE_DELAY: '50', BROKER: REDIS_ADDRESS, QUEUE_PREFIX: prefix, DOWNSTREAM_URL: downstream.url };
    gateway = await startTraced('jobs-gateway', { ...env, OTEL_SERVICE_NAME: 'jobs-gateway' });
    workers.push(await startTraced('jobs-worker', { ...env, OTEL_SERVICE_NAME: 'jobs-worker' }));
  });

  afterAll(async () => {
    await Promise.all([gateway, ...workers].filter(Boolean).map((app) => app.stop('SIGKILL')));
    await downstream?.close();
    await receiver?.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const consumers = (traceId: string) => inTrace(traceId).filter((span) => span.kind === KIND.CONSUMER);
  /** The downstream calls a job made, in order. */
  const callsOf = (id: string): DownstreamCall[] => downstream.calls.filter((call) => call.path.startsWith(`/jobs/${id}?`));
  const waitForConsumers = (traceId: string, count: number, timeoutMs = 15_000) =>
    receiver.waitFor(() => (consumers(traceId).length >= count ? consumers(traceId) : undefined), timeoutMs);
  /** The gateway and the workers export on their own, so a consumer's span may arrive before its producer's. */
  const producerIn = (traceId: string) => receiver.waitForSpan((span) => span.traceId === traceId && span.kind === KIND.PRODUCER);
  const attemptOf = (span: DecodedSpan) => span.attributes['bullmq.job.attempt'];

  it('processes a job added in a request in the request’s trace, with the job’s own HTTP call under it', async () => {
    const id = randomUUID();
    const response = await post('/jobs', { id });
    expect(response.status).toBe(201);
    const { id: jobId } = (await response.json()) as { id: string };
    const traceId = response.headers.get('x-trace-id')!;
    const [consumer] = await waitForConsumers(traceId, 1);
    const http = await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === KIND.SERVER);
    const producer = await producerIn(traceId);

    expect(producer).toMatchObject({
      name: 'add emails.welcome',
      parentSpanId: http.spanId,
      attributes: { 'messaging.system': 'bullmq', 'messaging.operation.type': 'send' },
    });
    expect(consumer).toMatchObject({
      name: 'process emails',
      parentSpanId: producer.spanId,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'emails',
        'messaging.message.id': jobId,
        'bullmq.job.attempt': 1,
      },
    });
    expect(consumer.resource['service.name']).toBe('jobs-worker');
    const call = await receiver.waitForSpan((span) => span.parentSpanId === consumer.spanId && span.kind === KIND.CLIENT);
    expect(callsOf(id)[0].traceparent).toBe(`00-${traceId}-${call.spanId}-01`);
    // BullMQ's own bookkeeping (fetching jobs, extending locks, moving them) makes no spans of its
    // own. Adding the job is one hand-over, with nothing under it; the Redis command that finishes
    // the job is traced as such under the CONSUMER span.
    const others = inTrace(traceId).filter((span) => ![http, producer, consumer, call].includes(span));
    expect(inTrace(traceId).filter((span) => span.parentSpanId === producer.spanId)).toEqual([consumer]);
    expect(others.every((span) => span.kind === KIND.CLIENT && span.parentSpanId === consumer.spanId && span.attributes['db.system.name'] === 'redis')).toBe(
      true,
    );
  });

  it('shows each retry as its own CONSUMER span with its attempt number, failures marked, side by side under the producer', async () => {
    const id = randomUUID();
    const response = await post('/jobs', { id, failTimes: 2 });
    const traceId = response.headers.get('x-trace-id')!;
    const attempts = (await waitForConsumers(traceId, 3)).sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    const producer = await producerIn(traceId);
    expect(attempts.map(attemptOf)).toEqual([1, 2, 3]);
    expect(attempts.map((span) => span.parentSpanId)).toEqual([producer.spanId, producer.spanId, producer.spanId]);
    expect(attempts.map((span) => span.status.code)).toEqual([ERROR, ERROR, 0]);
    expect(attempts[0].events.find((event) => event.name === 'exception')?.attributes['exception.message']).toBe('attempt 1 failed');
    expect(callsOf(id).map((call) => call.path.split('attempt=')[1])).toEqual(['1', '2', '3']);
  });

  it('keeps a delayed job in the trace that scheduled it', async () => {
    const response = await fetch(`${gateway.url}/jobs?delay=1500`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: randomUUID() }),
    });
    const traceId = response.headers.get('x-trace-id')!;
    const [consumer] = await waitForConsumers(traceId, 1);
    const producer = await producerIn(traceId);
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(Number(consumer.startTimeUnixNano - producer.endTimeUnixNano) / 1e6).toBeGreaterThanOrEqual(1400);
  });

  it('traces BullMQ used directly, bulk adds and flows the same way', async () => {
    const direct = await post('/direct-jobs', { id: randomUUID() });
    const [directConsumer] = await waitForConsumers(direct.headers.get('x-trace-id')!, 1);
    expect(directConsumer).toMatchObject({ name: 'process direct', attributes: { 'messaging.destination.name': 'direct' } });

    const bulk = await post('/bulk', [{ id: randomUUID() }, { id: randomUUID() }]);
    const bulkTrace = bulk.headers.get('x-trace-id')!;
    const bulkConsumers = await waitForConsumers(bulkTrace, 2);
    const bulkProducer = await producerIn(bulkTrace);
    expect(bulkProducer.name).toBe('addBulk emails');
    expect(bulkConsumers.map((span) => span.parentSpanId)).toEqual([bulkProducer.spanId, bulkProducer.spanId]);

    const flow = await post('/flows', { id: randomUUID() });
    const flowTrace = flow.headers.get('x-trace-id')!;
    // A flow runs its child first, then the parent.
    const flowConsumers = await waitForConsumers(flowTrace, 2);
    const producerIds = () =>
      new Set(
        inTrace(flowTrace)
          .filter((span) => span.kind === KIND.PRODUCER)
          .map((span) => span.spanId),
      );
    // Times out unless every consumer's parent is one of the flow's producers.
    await receiver.waitFor(() => (flowConsumers.every((span) => producerIds().has(span.parentSpanId)) ? true : undefined));
  });

  it('starts a trace of its own for each run of a job scheduler, linked to the request that scheduled it', async () => {
    const response = await post('/schedules', { id: `tick-${randomUUID()}` });
    expect(response.status).toBe(201);
    const scheduling = response.headers.get('x-trace-id')!;
    const runs = await receiver.waitFor(() => {
      const found = receiver.spans.filter((span) => span.kind === KIND.CONSUMER && span.attributes['bullmq.job.name'] === 'tick');
      return found.length >= 2 ? found : undefined;
    });
    await fetch(`${gateway.url}/schedules`, { method: 'DELETE' });
    const producer = await producerIn(scheduling);
    expect(new Set(runs.map((span) => span.traceId)).size).toBe(runs.length);
    for (const run of runs) {
      expect(run.traceId).not.toBe(scheduling);
      expect(run.parentSpanId).toBe('');
      expect(run.links).toEqual([{ traceId: scheduling, spanId: producer.spanId }]);
    }
  });

  it('loses no span a worker ended when it is stopped mid-job, and another worker runs the job again as attempt 2 in the same trace', async () => {
    // A queue only these two workers read. The first keeps ended spans for a minute (only a flush
    // can send them) and, without shutdown hooks, ends at once on SIGTERM, like a plain Node worker.
    const queue = `killable-${randomUUID().slice(0, 8)}`;
    const doomed = await startTraced('jobs-worker', {
      ...env,
      OTEL_SERVICE_NAME: 'doomed-worker',
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      DIRECT_QUEUE: queue,
      SHUTDOWN_HOOKS: 'false',
    });
    workers.push(doomed);
    const id = randomUUID();
    const response = await fetch(`${gateway.url}/direct-jobs?queue=${queue}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, slowOnAttempt: 1 }),
    });
    const traceId = response.headers.get('x-trace-id')!;
    await receiver.waitFor(() => (callsOf(id).length === 1 ? true : undefined));

    const stoppedAt = Date.now();
    await doomed.stop('SIGTERM');
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    const endedBeforeStop = await receiver.waitForSpan((span) => span.traceId === traceId && span.resource['service.name'] === 'doomed-worker');
    expect(endedBeforeStop).toMatchObject({ kind: KIND.CLIENT, attributes: { 'url.path': `/jobs/${id}` } });

    workers.push(await startTraced('jobs-worker', { ...env, OTEL_SERVICE_NAME: 'rescue-worker', DIRECT_QUEUE: queue }));
    const [retry] = await waitForConsumers(traceId, 1, 20_000);
    expect(retry.resource['service.name']).toBe('rescue-worker');
    expect(attemptOf(retry)).toBe(2);
    expect(retry.parentSpanId).toBe((await producerIn(traceId)).spanId);
    expect(callsOf(id).map((call) => call.path.split('attempt=')[1])).toEqual(['1', '2']);
  });
});
