import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { loadTracingConfig } from '../config/index.js';
import { DroppedSpans } from '../exporters/dropped-spans.js';
import { AttributeRedactor } from '../redaction/attribute-redactor.js';
import { RedactingSpanExporter } from '../redaction/redacting-span-exporter.js';
import { AppSpanProcessors } from '../runtime/app-span-processors.js';
import { isUnsampled } from '../runtime/library-tracer.js';
import { createResource } from '../runtime/resource.js';
import { createSampler } from '../runtime/sampler.js';
import { setTracingRuntime, TracingRuntime } from '../runtime/tracing-runtime.js';
import { TracingSdk } from '../sdk-replacements/tracing-sdk.js';

export interface TestTracing {
  exporter: InMemorySpanExporter;
  runtime: TracingRuntime;
  /** Finished spans, redacted as an exporter would receive them. */
  spans(): ReadableSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

export interface TestTracingOptions {
  serviceName?: string;
  sampleRate?: number;
}

/**
 * Installs a tracer provider that keeps finished spans in memory, for tests that assert on spans.
 * `TracingModule` adopts it as it would adopt the preload's SDK; apps created and closed meanwhile
 * leave it running. Call `shutdown()` after the test.
 */
export function setupTestTracing(options: TestTracingOptions = {}): TestTracing {
  const config = loadTracingConfig({
    ENABLE_TRACING: 'true',
    TRACING_EXPORTER: 'none',
    OTEL_SERVICE_NAME: options.serviceName ?? 'test-service',
    TRACING_SAMPLE_RATE: String(options.sampleRate ?? 1),
    // Host detection resolves asynchronously, and the processor would then export after the test looked.
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
  });
  const exporter = new InMemorySpanExporter();
  const redactor = new AttributeRedactor();
  const apps = new AppSpanProcessors();
  // The same global set-up as the preload's SDK, without instrumentations; its shutdown undoes it.
  const sdk = new TracingSdk({
    resource: createResource(config),
    sampler: createSampler(config),
    spanLimits: config.spanLimits,
    spanProcessors: [new SimpleSpanProcessor({ exporter: new RedactingSpanExporter(exporter, redactor) }), apps],
    instrumentations: [],
    isUnsampled,
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  sdk.start();
  const runtime = new TracingRuntime(config, 'test', {
    provider: sdk,
    redactor,
    dropped: new DroppedSpans(() => undefined),
    apps,
    pendingSpans: () => 0,
  });
  setTracingRuntime(runtime);
  return {
    exporter,
    runtime,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    shutdown: () => runtime.shutdown(),
  };
}
