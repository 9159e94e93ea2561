import { type Context, context, propagation, type TextMapPropagator, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import { type SpanLimits, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { InstrumentationTracerProvider } from './instrumentation-tracer-provider.js';

export interface TracingSdkParts {
  resource: Resource;
  sampler: Sampler;
  spanLimits: SpanLimits;
  spanProcessors: SpanProcessor[];
  instrumentations: Instrumentation[];
  /** Whether the instrumentations may skip a child span under this parent (see `InstrumentationTracerProvider`). */
  isUnsampled: (parent: Context) => boolean;
  propagator?: TextMapPropagator;
  /** OpenTelemetry metrics or logs pipelines that `OTEL_METRICS_EXPORTER`/`OTEL_LOGS_EXPORTER` asked for. */
  signals?: { shutdown(): Promise<void> };
}

/**
 * Stands in for sdk-node's `NodeSDK` for traces (see README.md here): the same global context
 * manager, propagator, tracer provider and instrumentation registration, built from
 * `@opentelemetry/sdk-trace` without loading every exporter sdk-node imports. Shutdown undoes what
 * start did, so a new SDK can start in the same process (a test runner's).
 */
export class TracingSdk {
  readonly provider: TracerProvider;
  private unregisterInstrumentations?: () => void;

  constructor(private readonly parts: TracingSdkParts) {
    this.provider = new TracerProvider({
      resource: parts.resource,
      sampler: parts.sampler,
      spanLimits: parts.spanLimits,
      spanProcessors: parts.spanProcessors,
    });
  }

  start(): void {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    if (this.parts.propagator) propagation.setGlobalPropagator(this.parts.propagator);
    trace.setGlobalTracerProvider(this.provider);
    this.unregisterInstrumentations = registerInstrumentations({
      instrumentations: this.parts.instrumentations,
      tracerProvider: new InstrumentationTracerProvider(this.provider, this.parts.isUnsampled),
    });
  }

  forceFlush(): Promise<void> {
    return this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    this.unregisterInstrumentations?.();
    try {
      await Promise.all([this.provider.shutdown(), this.parts.signals?.shutdown()]);
    } finally {
      trace.disable();
      propagation.disable();
      context.disable();
    }
  }
}
