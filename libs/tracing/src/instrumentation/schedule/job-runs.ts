import { type Context, context, createContextKey, ROOT_CONTEXT, type Span, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { recordFailureOnce } from '../../spans/record-error.js';
import { callRecordingFailure, runInContext } from '../../spans/run-in-span.js';

/** The job's name in the `SchedulerRegistry` (a generated UUID for an unnamed decorator job). */
export const ATTR_JOB_NAME = 'nestjs.schedule.job.name';
/** `cron`, `interval` or `timeout`. */
export const ATTR_JOB_TYPE = 'nestjs.schedule.job.type';
/** The cron expression (or date), or the interval's or timeout's delay in milliseconds. */
export const ATTR_JOB_SCHEDULE = 'nestjs.schedule.job.schedule';

export type JobType = 'cron' | 'interval' | 'timeout';

export interface ScheduledJob {
  name: string;
  type: JobType;
  schedule: string;
  /** `Class.method` of a decorator job (`@Cron`, `@Interval`, `@Timeout`). */
  handler?: string;
}

const JOB_SPAN = createContextKey('nestjs-tracing scheduled job span');
const GENERATED_NAME = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** The span of the job run active in `active`, if any. */
export function getJobSpan(active: Context): Span | undefined {
  return active.getValue(JOB_SPAN) as Span | undefined;
}

/** `cron sweepOutbox`, or, for a job @nestjs/schedule named with a UUID, `interval OutboxRelay.poll`. */
export function jobSpanName(job: ScheduledJob): string {
  const label = job.handler !== undefined && GENERATED_NAME.test(job.name) ? job.handler : job.name;
  return `${job.type} ${label}`;
}

/**
 * `run` with each call the root span of a trace of its own: a timer keeps the context it was set
 * in, and a run must belong neither to the request that added the job nor to an earlier run. The
 * span ends when what `run` returns settles; a failure it throws or rejects with is recorded,
 * once (a decorator job's failure is recorded inside Nest's wrapper, which swallows it).
 */
export function tracedJobRun<F extends (...args: never[]) => unknown>(job: ScheduledJob, run: F, tracer: () => Tracer, enabled: () => boolean): F {
  const attributes = {
    [ATTR_JOB_NAME]: job.name,
    [ATTR_JOB_TYPE]: job.type,
    [ATTR_JOB_SCHEDULE]: job.schedule,
    ...(job.handler === undefined ? {} : { [ATTR_CODE_FUNCTION_NAME]: job.handler }),
  };
  const name = jobSpanName(job);
  return function (this: unknown, ...args: never[]): unknown {
    if (!enabled()) return run.apply(this, args);
    const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, root: true, attributes }, ROOT_CONTEXT);
    const active = trace.setSpan(ROOT_CONTEXT, span).setValue(JOB_SPAN, span);
    return runInContext(span, active, () => run.apply(this, args), recordFailureOnce);
  } as F;
}

/** `method` recording what it throws or rejects with on the job span it runs under, then failing as before. */
export function recordingJobFailures<F extends (...args: never[]) => unknown>(method: F): F {
  return function (this: unknown, ...args: never[]): unknown {
    const span = getJobSpan(context.active());
    return span ? callRecordingFailure(span, () => method.apply(this, args)) : method.apply(this, args);
  } as F;
}
