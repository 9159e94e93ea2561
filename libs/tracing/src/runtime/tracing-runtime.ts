import type { TracingConfig, TracingModuleOptions } from '../tracing.interfaces.js';
import type { DroppedSpans } from '../exporters/dropped-spans.js';
import type { AttributeRedactor } from '../redaction/attribute-redactor.js';
import type { ExtensibleSpanProcessor } from './extensible-span-processor.js';
import { applyModuleOptions, defaultRequestTracingOptions, type RequestTracingOptions } from '../http/request-tracing-options.js';

export interface Shutdownable {
  shutdown(): Promise<void>;
}

/** The parts of a started SDK that the rest of the library talks to. */
export interface TracingParts {
  sdk: Shutdownable;
  redactor: AttributeRedactor;
  dropped: DroppedSpans;
  extensions: ExtensibleSpanProcessor;
}

/**
 * What the preload (or the module, without a preload) started, shared through a global so that the
 * preload's instance and the app's imports of the library agree even across module registries.
 */
export class TracingRuntime {
  private shutdownPromise?: Promise<void>;

  constructor(
    readonly config: TracingConfig,
    readonly requestOptions: RequestTracingOptions,
    private readonly parts?: TracingParts,
  ) {}

  static disabled(config: TracingConfig): TracingRuntime {
    return new TracingRuntime(config, defaultRequestTracingOptions());
  }

  get enabled(): boolean {
    return this.parts !== undefined;
  }

  /** Spans lost to a full queue or a failed export since start. */
  get droppedSpans(): number {
    return this.parts?.dropped.count ?? 0;
  }

  configure(options: TracingModuleOptions): void {
    applyModuleOptions(this.requestOptions, options);
    if (options.redactKeys) this.parts?.redactor.addKeys(options.redactKeys);
    if (options.redactQueryParameters) this.parts?.redactor.addQueryParameters(options.redactQueryParameters);
    if (options.spanProcessors) this.parts?.extensions.add(options.spanProcessors);
  }

  /** Flushes what is pending, but never waits longer than the deadline, whatever the backend does. */
  shutdown(timeoutMs = this.requestOptions.shutdownTimeoutMs): Promise<void> {
    this.shutdownPromise ??= this.parts
      ? raceDeadline(this.parts.sdk.shutdown(), timeoutMs)
      : Promise.resolve();
    return this.shutdownPromise;
  }
}

function raceDeadline(work: Promise<void>, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    work.catch(() => undefined).finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const RUNTIME_KEY = Symbol.for('@app/tracing.runtime');
type RuntimeHolder = { [RUNTIME_KEY]?: TracingRuntime };

export function getTracingRuntime(): TracingRuntime | undefined {
  return (globalThis as RuntimeHolder)[RUNTIME_KEY];
}

export function setTracingRuntime(runtime: TracingRuntime | undefined): void {
  (globalThis as RuntimeHolder)[RUNTIME_KEY] = runtime;
}
