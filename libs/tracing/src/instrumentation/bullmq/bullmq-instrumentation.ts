import { context } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../package-info.js';
import { BullMqTelemetry, withJobAttempt } from './bullmq-telemetry.js';

type Class = { prototype: object };

/** What the instrumentation patches of `bullmq`; every name is exported by its index. */
interface BullMqModule {
  QueueBase: Class;
  Worker: Class;
  FlowProducer: Class;
}

type Method = (this: never, ...args: never[]) => unknown;

interface Job {
  attemptsStarted?: number;
  attemptsMade?: number;
  repeatJobKey?: string;
}

/** A node of a BullMQ flow, as far as its options go. */
interface FlowJob {
  opts?: object;
  children?: FlowJob[];
}

/**
 * The flow with `opts` on every node: BullMQ stores the trace context only with nodes that have
 * options. The app's flow object is copied, not changed.
 */
function withOptions(flow: FlowJob): FlowJob {
  return { ...flow, opts: flow.opts ?? {}, ...(flow.children ? { children: flow.children.map(withOptions) } : {}) };
}

/** The releases whose telemetry interface (`QueueBase.trace`, the job's stored `telemetry.metadata`) this was written against. */
const SUPPORTED_VERSIONS = ['>=6.0.0 <7'];

/**
 * Traces BullMQ through its own telemetry interface: every `Queue`, `Worker` and `FlowProducer`
 * (@nestjs/bullmq's included) without a `telemetry` option of the app's gets the library's, so
 * adding a job is a PRODUCER span and each processing attempt a CONSUMER span in the same trace,
 * through retries, delays and worker restarts (see `BullMqTelemetry`).
 */
export class BullMqInstrumentation extends InstrumentationBase {
  private readonly telemetry = new BullMqTelemetry(() => this.tracer);

  constructor() {
    super(`${PACKAGE_NAME}/bullmq`, PACKAGE_VERSION, {});
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      'bullmq',
      SUPPORTED_VERSIONS,
      (exports: BullMqModule) => this.patch(exports),
      (exports?: BullMqModule) => exports && this.unpatch(exports),
    );
  }

  private patch(bullmq: BullMqModule): BullMqModule {
    const { telemetry } = this;
    // Queues and workers (QueueBase) read `opts.telemetry`, a copy of the app's options that BullMQ
    // made; flow producers keep theirs in `telemetry`. An app's own telemetry is left as it is.
    this._wrap(
      bullmq.QueueBase.prototype as Record<string, Method>,
      'trace',
      (trace) =>
        function (this: { opts: { telemetry?: unknown } }, ...args: unknown[]): unknown {
          this.opts.telemetry ??= telemetry;
          return (trace as (...args: unknown[]) => unknown).apply(this, args);
        } as Method,
    );
    this._wrap(
      bullmq.FlowProducer.prototype as Record<string, Method>,
      'add',
      (add) =>
        function (this: { telemetry?: unknown }, flow: FlowJob, ...rest: unknown[]): unknown {
          this.telemetry ??= telemetry;
          return (add as (...args: unknown[]) => unknown).call(this, withOptions(flow), ...rest);
        } as Method,
    );
    this._wrap(
      bullmq.FlowProducer.prototype as Record<string, Method>,
      'addBulk',
      (addBulk) =>
        function (this: { telemetry?: unknown }, flows: FlowJob[], ...rest: unknown[]): unknown {
          this.telemetry ??= telemetry;
          return (addBulk as (...args: unknown[]) => unknown).call(this, flows.map(withOptions), ...rest);
        } as Method,
    );
    this._wrap(
      bullmq.Worker.prototype as Record<string, Method>,
      'processJob',
      (processJob) =>
        function (this: unknown, job: Job, ...args: unknown[]): unknown {
          const attempt = { attempt: job.attemptsStarted || (job.attemptsMade ?? 0) + 1, scheduled: job.repeatJobKey !== undefined };
          return context.with(withJobAttempt(context.active(), attempt), () => (processJob as (...args: unknown[]) => unknown).call(this, job, ...args));
        } as Method,
    );
    return bullmq;
  }

  private unpatch(bullmq: BullMqModule): void {
    this._unwrap(bullmq.QueueBase.prototype as Record<string, Method>, 'trace');
    this._unwrap(bullmq.FlowProducer.prototype as Record<string, Method>, 'add');
    this._unwrap(bullmq.FlowProducer.prototype as Record<string, Method>, 'addBulk');
    this._unwrap(bullmq.Worker.prototype as Record<string, Method>, 'processJob');
  }
}
