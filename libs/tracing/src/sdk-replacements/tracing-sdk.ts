import { context, propagation, type TextMapPropagator, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import { type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from '../tracing.interfaces.js';
import { InstrumentationTracerProvider } from './instrumentation-tracer-provider.js';
import type { Shutdownable } from '../runtime/tracing-runtime.js';
import { createSampler } from './sampler.js';

export interface TracingSdkParts {
  resource: Resource;
  spanProcessors: SpanProcessor[];
  instrumentations: Instrumentation[];
  propagator?: TextMapPropagator;
  /** OpenTelemetry metrics or logs pipelines that `OTEL_METRICS_EXPORTER`/`OTEL_LOGS_EXPORTER` asked for. */
  signals?: Shutdownable;
}

/**
 * The traces half of sdk-node, assembled from `@opentelemetry/sdk-trace`: sdk-node imports every
 * metrics, logs and trace exporter it might use, which cost more startup time and memory than the
 * rest of tracing together (bench/README.md). The env handling it did is in `config/sdk-env.ts`.
 */
export class TracingSdk implements Shutdownable {
  private readonly provider: TracerProvider;

  constructor(
    config: TracingConfig,
    private readonly parts: TracingSdkParts,
  ) {
    this.provider = new TracerProvider({
      resource: parts.resource,
      sampler: createSampler(config),
      spanLimits: config.spanLimits,
      spanProcessors: parts.spanProcessors,
    });
  }

  start(): void {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    if (this.parts.propagator) propagation.setGlobalPropagator(this.parts.propagator);
    trace.setGlobalTracerProvider(this.provider);
    registerInstrumentations({
      instrumentations: this.parts.instrumentations,
      tracerProvider: new InstrumentationTracerProvider(this.provider),
    });
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.provider.shutdown(), this.parts.signals?.shutdown()]);
  }
}
