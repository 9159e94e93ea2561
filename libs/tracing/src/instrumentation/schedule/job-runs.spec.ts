import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../../testing/index.js';
import { getJobSpan, jobSpanName, recordingJobFailures, tracedJobRun } from './job-runs.js';

const UUID = '0d5c7b52-52a1-4b2e-8a3f-1c6a2c1f9e11';

describe('jobSpanName', () => {
  it.each([
    [{ name: 'sweep', type: 'cron' as const, schedule: '* * * * *' }, 'cron sweep'],
    [{ name: 'sweep', type: 'interval' as const, schedule: '100', handler: 'Outbox.sweep' }, 'interval sweep'],
    [{ name: UUID, type: 'timeout' as const, schedule: '100', handler: 'Outbox.warmUp' }, 'timeout Outbox.warmUp'],
    [{ name: UUID, type: 'cron' as const, schedule: '* * * * *' }, `cron ${UUID}`],
  ])('names %p %p', (job, name) => {
    expect(jobSpanName(job)).toBe(name);
  });
});

describe('tracedJobRun', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  const job = { name: 'sweep', type: 'interval' as const, schedule: '100', handler: 'Outbox.sweep' };
  const traced = <F extends (...args: never[]) => unknown>(run: F) =>
    tracedJobRun(
      job,
      run,
      () => trace.getTracer('test'),
      () => true,
    );

  it('makes each run the root of a trace of its own, even when the timer was set inside a request', async () => {
    const request = trace.getTracer('test').startSpan('request');
    const run = traced(async () => getJobSpan(context.active()));
    const [first, second] = await context.with(trace.setSpan(ROOT_CONTEXT, request), () => Promise.all([run(), run()]));
    request.end();
    const runs = tracing.spans().filter((span) => span.name === 'interval sweep');
    expect(runs).toHaveLength(2);
    expect(runs.map((span) => span.parentSpanContext)).toEqual([undefined, undefined]);
    expect(new Set(runs.map((span) => span.spanContext().traceId)).size).toBe(2);
    expect(first).not.toBe(second);
    expect(runs[0]).toMatchObject({
      kind: SpanKind.INTERNAL,
      attributes: {
        'nestjs.schedule.job.name': 'sweep',
        'nestjs.schedule.job.type': 'interval',
        'nestjs.schedule.job.schedule': '100',
        'code.function.name': 'Outbox.sweep',
      },
    });
  });

  it('ends the span when the run settles, and records a failure once though it passes two wrappers', async () => {
    const run = traced(
      recordingJobFailures(async () => {
        await new Promise((done) => setTimeout(done, 5));
        throw new Error('sweep failed');
      }),
    );
    await expect(run()).rejects.toThrow('sweep failed');
    const [span] = tracing.spans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'sweep failed' });
    expect(span.events).toHaveLength(1);
    expect(span.duration[1] + span.duration[0] * 1e9).toBeGreaterThan(4e6);
  });

  it('records a failure thrown inside a wrapper that swallows it, as Nest’s does', async () => {
    const method = recordingJobFailures(() => {
      throw new Error('swallowed');
    });
    const run = traced(async () => {
      try {
        await method();
      } catch {
        // Nest's wrapper logs it and returns.
      }
    });
    await run();
    expect(tracing.spans()[0].status.code).toBe(SpanStatusCode.ERROR);
  });

  it('runs untraced once the instrumentation is disabled', async () => {
    const run = tracedJobRun(
      job,
      async () => trace.getActiveSpan(),
      () => trace.getTracer('test'),
      () => false,
    );
    expect(await run()).toBeUndefined();
    expect(tracing.spans()).toHaveLength(0);
  });
});
