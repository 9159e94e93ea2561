import { type Method, type Patch, PatchingInstrumentation } from '../patching-instrumentation.js';
import { type JobType, recordingJobFailures, type ScheduledJob, tracedJobRun } from './job-runs.js';

type Class = { prototype: object };
type Callback = (...args: never[]) => unknown;

/** What the instrumentation patches of `@nestjs/schedule`; both classes are exported by its index. */
interface ScheduleModule {
  SchedulerRegistry: Class;
  ScheduleExplorer: Class;
}

/** The parts of the `cron` package's `CronJob` the registry is given. */
interface CronJob {
  cronTime: { source: unknown };
  _callbacks?: Callback[];
  addCallback(callback: Callback): void;
}

/** A Node.js timer, as `setInterval` and `setTimeout` return it. */
interface NodeTimer {
  _onTimeout?: Callback | null;
  _idleTimeout?: number;
}

/**
 * Traces `@nestjs/schedule` 12: every run of a job in the `SchedulerRegistry` (the decorator jobs
 * `@Cron`, `@Interval` and `@Timeout`, and the jobs an app adds itself) is the root span of its own
 * trace, named after the job, with its name and schedule as attributes and its failure recorded.
 *
 * Every job passes through the registry, so the runs are wrapped there: a cron job's callbacks, a
 * timer's callback (Node's `Timeout._onTimeout`, which has been its callback in every release).
 * Nest's own wrapper of a decorator job logs and swallows the job's exception; it is given the
 * method with its failure recorded first. Patches the classes of the app's own copy of the package,
 * given to it, when enabled; runs wrapped while enabled run untraced once it is disabled.
 */
export class NestScheduleInstrumentation extends PatchingInstrumentation {
  private readonly schedule: ScheduleModule;
  /** `Class.method` of each wrapper Nest made for a decorator job. */
  private readonly handlers = new WeakMap<Callback, string>();

  constructor(schedule: object) {
    super('schedule');
    this.schedule = schedule as ScheduleModule;
  }

  protected patches(): Patch[] {
    const registry = this.schedule.SchedulerRegistry.prototype as Record<string, Method>;
    const explorer = this.schedule.ScheduleExplorer.prototype as Record<string, Method>;
    return [
      [registry, 'addCronJob', (addCronJob) => this.tracedAddCronJob(addCronJob)],
      [registry, 'addInterval', (addInterval) => this.tracedAddTimer(addInterval, 'interval')],
      [registry, 'addTimeout', (addTimeout) => this.tracedAddTimer(addTimeout, 'timeout')],
      [explorer, 'wrapFunctionInTryCatchBlocks', (wrap) => this.namedAndRecorded(wrap)],
    ];
  }

  private traced(job: Omit<ScheduledJob, 'handler'>, run: Callback): Callback {
    return tracedJobRun(
      { ...job, handler: this.handlers.get(run) },
      run,
      () => this.tracer,
      () => this.isEnabled(),
    );
  }

  private tracedAddCronJob(addCronJob: Method): Method {
    const traced = (job: Omit<ScheduledJob, 'handler'>, run: Callback) => this.traced(job, run);
    return function (this: unknown, name: string, job: CronJob): unknown {
      const result = (addCronJob as (name: string, job: CronJob) => unknown).call(this, name, job);
      const source = job.cronTime?.source;
      const described = { name, type: 'cron' as const, schedule: typeof source === 'string' ? source : String(source) };
      if (Array.isArray(job._callbacks)) {
        job._callbacks = job._callbacks.map((callback) => traced(described, callback));
        const addCallback = job.addCallback;
        job.addCallback = (callback) => addCallback.call(job, typeof callback === 'function' ? traced(described, callback) : callback);
      }
      return result;
    } as Method;
  }

  private tracedAddTimer(addTimer: Method, type: JobType): Method {
    const traced = (job: Omit<ScheduledJob, 'handler'>, run: Callback) => this.traced(job, run);
    return function (this: unknown, name: string, timer: NodeTimer): unknown {
      const result = (addTimer as (name: string, timer: NodeTimer) => unknown).call(this, name, timer);
      if (typeof timer?._onTimeout === 'function') {
        timer._onTimeout = traced({ name, type, schedule: `${timer._idleTimeout ?? ''}` }, timer._onTimeout);
      }
      return result;
    } as Method;
  }

  private namedAndRecorded(wrap: Method): Method {
    const { handlers } = this;
    return function (this: unknown, method: Callback, instance: object | undefined): unknown {
      const wrapper = (wrap as (method: Callback, instance: unknown) => Callback).call(this, recordingJobFailures(method), instance);
      if (typeof wrapper === 'function') handlers.set(wrapper, `${instance?.constructor?.name ?? 'Object'}.${method.name}`);
      return wrapper;
    } as Method;
  }
}
