import { context, SpanKind, trace } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../../testing/index.js';
import { BullMqTelemetry, withJobAttempt } from './bullmq-telemetry.js';

/** Drives the adapter as BullMQ's `trace()` does (bullmq/dist/esm/utils): start, put on the context, run, end. */
describe('BullMqTelemetry', () => {
  let tracing: TestTracing;
  let telemetry: BullMqTelemetry;
  beforeEach(() => {
    tracing = setupTestTracing();
    telemetry = new BullMqTelemetry(() => trace.getTracer('test'));
  });
  afterEach(() => tracing.shutdown());

  /** BullMQ's add: a PRODUCER span whose context is stored with the job. */
  const add = (): string => {
    const span = telemetry.tracer.startSpan('add emails.welcome', { kind: SpanKind.PRODUCER });
    const metadata = telemetry.contextManager.getMetadata(span.setSpanOnContext(context.active()));
    span.end();
    return metadata;
  };
  /** BullMQ's processJob for one attempt, with what the instrumentation sets around it. */
  const process = (metadata: string | undefined, attempt = 1, scheduled = false, body?: (retryMetadata: () => string) => void) =>
    context.with(withJobAttempt(context.active(), { attempt, scheduled }), () => {
      const current = telemetry.contextManager.active();
      const parent = metadata === undefined ? undefined : telemetry.contextManager.fromMetadata(current, metadata);
      const span = telemetry.tracer.startSpan('process emails', { kind: SpanKind.CONSUMER }, parent);
      const inside = span.setSpanOnContext(parent ?? current);
      // A failed attempt schedules its retry from inside, through an internal span (moveToFailed).
      telemetry.contextManager.with(inside, () =>
        body?.(() => {
          const retry = telemetry.tracer.startSpan('retry emails', { kind: SpanKind.INTERNAL });
          return telemetry.contextManager.getMetadata(retry.setSpanOnContext(telemetry.contextManager.active()));
        }),
      );
      span.end();
    });

  it('stores the producer’s context as JSON of its W3C fields and continues it in the CONSUMER span', () => {
    const metadata = add();
    expect(JSON.parse(metadata)).toEqual({ traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
    process(metadata, 1);
    const [producer, consumer] = tracing.spans();
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({ 'messaging.system': 'bullmq', 'messaging.operation.type': 'process', 'bullmq.job.attempt': 1 });
  });

  it('schedules a retry with the failed attempt’s parent, so the attempts are siblings', () => {
    const metadata = add();
    let retryMetadata = '';
    process(metadata, 1, false, (retry) => {
      retryMetadata = retry();
    });
    process(retryMetadata, 2);
    const [producer, first, second] = tracing.spans();
    expect(retryMetadata).toBe(metadata);
    expect([first.parentSpanContext?.spanId, second.parentSpanContext?.spanId]).toEqual([producer.spanContext().spanId, producer.spanContext().spanId]);
    expect(second.attributes['bullmq.job.attempt']).toBe(2);
  });

  it('starts each run of a job scheduler in a trace of its own, linked to the producer', () => {
    const metadata = add();
    process(metadata, 1, true);
    const [producer, run] = tracing.spans();
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.spanContext().traceId).not.toBe(producer.spanContext().traceId);
    expect(run.links.map((link) => link.context.spanId)).toEqual([producer.spanContext().spanId]);
  });

  it('makes no span for BullMQ’s internal operations, and leaves their context as it was', () => {
    const internal = telemetry.tracer.startSpan('getNextJob emails', { kind: SpanKind.INTERNAL });
    const active = context.active();
    expect(internal.setSpanOnContext(active)).toBe(active);
    internal.end();
    expect(tracing.spans()).toEqual([]);
  });

  it('starts from the root for a job stored without a context, or with one it cannot read', () => {
    process(undefined);
    process('not json');
    expect(tracing.spans().map((span) => span.parentSpanContext)).toEqual([undefined, undefined]);
  });

  it('keeps a job’s return value out of its span, and names the destination and message by the conventions', () => {
    const span = telemetry.tracer.startSpan('process emails', { kind: SpanKind.CONSUMER });
    span.setAttributes({ 'bullmq.queue.name': 'emails', 'bullmq.job.id': 42 });
    span.addEvent('job completed', { 'bullmq.job.result': JSON.stringify({ token: 'secret' }), other: 'kept' });
    span.end();
    const [finished] = tracing.spans();
    expect(finished.attributes).toMatchObject({ 'messaging.destination.name': 'emails', 'messaging.message.id': '42', 'bullmq.job.id': 42 });
    expect(finished.events[0].attributes).toEqual({ other: 'kept' });
  });
});
