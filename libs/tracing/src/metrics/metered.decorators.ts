import 'reflect-metadata';
import { copyMetadata } from '../api/copy-metadata.js';
import { callObservingOutcome } from '../spans/call-outcome.js';
import type { AppCounter, AppHistogram, MetricsService } from './metrics.service.js';

export interface MeteredOptions {
  /**
   * The metric's name; methods that share a name share the metric, told apart by its labels.
   * @default 'app_method_calls_total' for `@Counted`, 'app_method_duration_seconds' for `@Timed`
   */
  name?: string;
  /** The metric's `# HELP` text. @default 'Calls of methods marked @Counted' or 'Duration of methods marked @Timed' */
  help?: string;
}

/** The labels every metered method's values carry. */
const LABELS = ['class', 'method', 'outcome'];

type Method = (this: object, ...args: unknown[]) => unknown;
type StartMeasure = (service: MetricsService, labels: { class: string; method: string }) => (failed: boolean) => void;

/** The MetricsService each instance of a class with metered methods records to, set when its app starts. */
const SERVICES = new WeakMap<object, MetricsService>();
const METERED_CLASS = Symbol('nestjs-tracing:metered');

/**
 * Counts the calls of a method, by `outcome` (`success`, or `error` when it throws, rejects or its
 * Observable errors). Counted for the singleton providers and controllers of an app that imports
 * `TracingModule` with metrics on; elsewhere the method runs unmeasured. Each increase made inside a
 * sampled span carries it as exemplar.
 */
export function Counted(options: MeteredOptions = {}): MethodDecorator {
  const name = options.name ?? 'app_method_calls_total';
  const help = options.help ?? 'Calls of methods marked @Counted';
  return meter((service, labels) => {
    const counter: AppCounter = service.counter(name, { help, labelNames: LABELS });
    return (failed) => counter.add(1, { ...labels, outcome: failed ? 'error' : 'success' });
  });
}

/**
 * Records how long a method takes, in seconds, until it returns, its thenable settles or its
 * Observable ends, by `outcome` as {@link Counted} does, in a histogram of the library's latency buckets.
 */
export function Timed(options: MeteredOptions = {}): MethodDecorator {
  const name = options.name ?? 'app_method_duration_seconds';
  const help = options.help ?? 'Duration of methods marked @Timed';
  return meter((service, labels) => {
    const histogram: AppHistogram = service.histogram(name, { help, labelNames: LABELS });
    const started = process.hrtime.bigint();
    return (failed) => histogram.record(Number(process.hrtime.bigint() - started) / 1e9, { ...labels, outcome: failed ? 'error' : 'success' });
  });
}

function meter(start: StartMeasure): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const original = descriptor.value as unknown as Method;
    const labels = { class: (target as object).constructor.name, method: String(propertyKey) };
    const metered = function (this: object, ...args: unknown[]): unknown {
      const service = SERVICES.get(this);
      if (!service) return original.apply(this, args);
      return callObservingOutcome(() => original.apply(this, args), start(service, labels));
    };
    Object.defineProperty(metered, 'name', { value: original.name });
    Object.defineProperty(metered, 'length', { value: original.length });
    copyMetadata(original, metered);
    Reflect.defineMetadata(METERED_CLASS, true, (target as object).constructor);
    descriptor.value = metered as never;
    return descriptor;
  };
}

/** Whether `instance`'s class has a `@Counted` or `@Timed` method. */
export function hasMeteredMethods(instance: object): boolean {
  return Reflect.getMetadata(METERED_CLASS, instance.constructor) === true;
}

/** Points `instance`'s metered methods at its app's metrics. */
export function meterWith(instance: object, service: MetricsService): void {
  SERVICES.set(instance, service);
}
