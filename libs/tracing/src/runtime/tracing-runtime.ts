import type { Context } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from '../config/tracing-config.js';
import type { DroppedSpans } from '../exporters/dropped-spans.js';
import type { AttributeRedactor } from '../redaction/attribute-redactor.js';
import type { AppScope, AppSpanProcessors } from './app-span-processors.js';
import { tracingLogger } from './tracing-logger.js';

/** Who started the SDK, and so who shuts it down. */
export type RuntimeOwner = 'preload' | 'module' | 'test';

/** The parts of a started SDK that the rest of the library talks to. */
export interface TracingParts {
  provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> };
  redactor: AttributeRedactor;
  dropped: DroppedSpans;
  apps: AppSpanProcessors;
  /** The sampler's policy under an unsampled parent (`Sampling.followsParent`). */
  followsParent: boolean;
  /** Spans accepted for export and not yet sent: lost if the process ends now. */
  pendingSpans(): number;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

/**
 * A started (or deliberately disabled) OpenTelemetry SDK. Its owner shuts it down: the preload when
 * the process ends, a module that had to start it when the last app using it closes, a test
 * helper when the test ends. Apps attach their processors and detach them when they close.
 */
export class TracingRuntime {
  private shutdownPromise?: Promise<void>;
  private users = 0;
  /** The deadline the apps asked for (`shutdownTimeoutMs`), which the owner's shutdown keeps too. */
  private shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;

  constructor(
    readonly config: TracingConfig,
    readonly owner: RuntimeOwner,
    private readonly parts?: TracingParts,
  ) {}

  static disabled(config: TracingConfig, owner: RuntimeOwner): TracingRuntime {
    return new TracingRuntime(config, owner);
  }

  get enabled(): boolean {
    return this.parts !== undefined;
  }

  get isShutdown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** Whether spans under an unsampled parent are unsampled too, so the library may skip them. */
  get samplerFollowsParent(): boolean {
    return this.parts?.followsParent ?? true;
  }

  /** Spans lost to a full queue, a failed export or a shutdown deadline since start. */
  get droppedSpans(): number {
    return this.parts?.dropped.count ?? 0;
  }

  /** The redactor of exported spans, whose keys log redaction follows too. */
  get redactor(): AttributeRedactor | undefined {
    return this.parts?.redactor;
  }

  /** An app starts using the runtime: its processors get its spans, its keys are redacted. */
  attach(
    processors: readonly SpanProcessor[],
    { redactKeys, redactQueryParameters, shutdownTimeoutMs }: { redactKeys?: string[]; redactQueryParameters?: string[]; shutdownTimeoutMs?: number } = {},
  ): AppScope | undefined {
    this.users += 1;
    if (shutdownTimeoutMs !== undefined) this.shutdownTimeoutMs = shutdownTimeoutMs;
    if (!this.parts) return undefined;
    if (redactKeys) this.parts.redactor.addKeys(redactKeys);
    if (redactQueryParameters) this.parts.redactor.addQueryParameters(redactQueryParameters);
    return this.parts.apps.attach(processors);
  }

  /** The request context, marked as the app's so its spans reach that app's processors. */
  withApp(parent: Context, scope: AppScope | undefined): Context {
    return scope && this.parts ? this.parts.apps.withApp(parent, scope) : parent;
  }

  /**
   * An app closes: its processors are flushed and shut down, and what is queued for export is
   * flushed. The last app to leave a runtime that a module started shuts it down.
   */
  async detach(scope: AppScope | undefined, timeoutMs = this.shutdownTimeoutMs): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.owner === 'module' && this.users === 0) return this.shutdown(timeoutMs);
    if (!this.parts || this.isShutdown) return;
    const detached = scope ? this.parts.apps.detach(scope) : Promise.resolve();
    await this.withinDeadline(Promise.all([detached, this.parts.provider.forceFlush()]), timeoutMs, 'flush');
  }

  /** Flushes what is pending and stops, never waiting past the deadline whatever the backend does. Idempotent. */
  shutdown(timeoutMs = this.shutdownTimeoutMs): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    if (getTracingRuntime() === this) setTracingRuntime(undefined);
    this.shutdownPromise = this.parts ? this.withinDeadline(this.parts.provider.shutdown(), timeoutMs, 'shutdown') : Promise.resolve();
    return this.shutdownPromise;
  }

  /** A failure is logged once; spans still queued when the deadline passes are counted as dropped. */
  private withinDeadline(work: Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
    const parts = this.parts!;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const pending = parts.pendingSpans();
        if (pending > 0) parts.dropped.add(pending, `${what} did not finish within ${timeoutMs} ms`);
        else tracingLogger.warn(`Tracing ${what} did not finish within ${timeoutMs} ms.`);
        resolve();
      }, timeoutMs);
      timer.unref();
      work
        .then(
          () => undefined,
          (error: unknown) => tracingLogger.warn(`Tracing ${what} failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => {
          clearTimeout(timer);
          resolve();
        });
    });
  }
}

const RUNTIME_KEY = Symbol.for('nestjs-tracing.runtime');
type RuntimeHolder = { [RUNTIME_KEY]?: TracingRuntime };

/**
 * The one global: the preload hands the runtime to the app's copy of the library through it (the
 * two may be loaded as different module instances), and code with no injector (the `@Span`
 * decorator, the context functions, a logger's formatter) reads it. Nest providers get the
 * runtime injected.
 */
export function getTracingRuntime(): TracingRuntime | undefined {
  return (globalThis as RuntimeHolder)[RUNTIME_KEY];
}

export function setTracingRuntime(runtime: TracingRuntime | undefined): void {
  (globalThis as RuntimeHolder)[RUNTIME_KEY] = runtime;
}
