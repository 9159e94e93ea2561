import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { loadTracingConfig } from '../config/index.js';
import { RedactingSpanExporter } from '../redaction/redacting-span-exporter.js';
import { assembleRuntime } from '../runtime/assemble-runtime.js';
import { createResource } from '../runtime/resource.js';
import type { TracingRuntime } from '../runtime/tracing-runtime.js';

export interface TestTracing {
  exporter: InMemorySpanExporter;
  runtime: TracingRuntime;
  /** Finished spans, redacted as an exporter would receive them. */
  spans(): ReadableSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

export interface TestTracingOptions {
  /** The spans' `service.name`. @default 'test-service' */
  serviceName?: string;
  /** The ratio of traces started here that are sampled, as `TRACING_SAMPLE_RATE`. @default 1 */
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
  // The preload's assembly, exporting at once to memory and patching nothing; its shutdown undoes it.
  const runtime = assembleRuntime({
    config,
    owner: 'test',
    resource: createResource(config),
    exportProcessors: (redactor) => [new SimpleSpanProcessor({ exporter: new RedactingSpanExporter(exporter, redactor) })],
    instrumentations: [],
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    warn: () => undefined,
  });
  return {
    exporter,
    runtime,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    shutdown: () => runtime.shutdown(),
  };
}
