import type { TextMapPropagator } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from '../config/tracing-config.js';
import { DroppedSpans } from '../exporters/dropped-spans.js';
import { AttributeRedactor } from '../redaction/attribute-redactor.js';
import { TracingSdk } from '../sdk-replacements/tracing-sdk.js';
import { AppSpanProcessors } from './app-span-processors.js';
import { isUnsampled } from './library-tracer.js';
import { createSampling } from './sampler.js';
import { setTracingRuntime, type RuntimeOwner, TracingRuntime } from './tracing-runtime.js';

/** A processor that sends spans out of the process; `pendingSpans` counts what it has not sent yet. */
export type ExportProcessor = SpanProcessor & { readonly pendingSpans?: number };

/** What differs between the preload's SDK and a test's: where spans go and what is patched. */
export interface RuntimeAssembly {
  config: TracingConfig;
  owner: RuntimeOwner;
  resource: Resource;
  /** The export processors, each given spans through `redactor` and counting its losses in `dropped`. */
  exportProcessors(redactor: AttributeRedactor, dropped: DroppedSpans): ExportProcessor[];
  instrumentations: Instrumentation[];
  /** Absent with `OTEL_PROPAGATORS=none`: the API keeps its no-op propagator. */
  propagator?: TextMapPropagator;
  /** OpenTelemetry metrics or logs pipelines, shut down with the SDK. */
  signals?: { shutdown(): Promise<void> };
  /** Where the dropped-spans warning goes. */
  warn(message: string): void;
}

/**
 * Builds and starts the SDK with the library's parts (redaction before export, per-app processors,
 * the sampling policy) and publishes the runtime. The preload and `setupTestTracing` both come here,
 * so a test traces exactly as the app does.
 */
export function assembleRuntime(assembly: RuntimeAssembly): TracingRuntime {
  const { config, owner } = assembly;
  const redactor = new AttributeRedactor();
  const dropped = new DroppedSpans(assembly.warn);
  const apps = new AppSpanProcessors();
  const exportProcessors = assembly.exportProcessors(redactor, dropped);
  const { sampler, followsParent } = createSampling(config);
  const sdk = new TracingSdk({
    resource: assembly.resource,
    sampler,
    spanLimits: config.spanLimits,
    spanProcessors: [...exportProcessors, apps],
    instrumentations: assembly.instrumentations,
    isUnsampled,
    propagator: assembly.propagator,
    signals: assembly.signals,
  });
  const runtime = new TracingRuntime(config, owner, {
    provider: sdk,
    redactor,
    dropped,
    apps,
    followsParent,
    pendingSpans: () => exportProcessors.reduce((pending, processor) => pending + (processor.pendingSpans ?? 0), 0),
  });
  sdk.start();
  setTracingRuntime(runtime);
  return runtime;
}
