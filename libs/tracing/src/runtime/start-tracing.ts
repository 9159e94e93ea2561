import Module from 'node:module';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { BoundedBatchSpanProcessor } from '../sdk-replacements/batch-span-processor.js';
import { createSpanExporter } from '../exporters/create-span-exporter.js';
import { DroppedSpans } from '../exporters/dropped-spans.js';
import { routeDiagnostics } from './diag-logger.js';
import { tracingLogger } from './tracing-logger.js';
import { AttributeRedactor } from '../redaction/attribute-redactor.js';
import { RedactingSpanExporter } from '../redaction/redacting-span-exporter.js';
import type { TracingConfig } from '../tracing.interfaces.js';
import { ExtensibleSpanProcessor } from './extensible-span-processor.js';
import { loadInstrumentations } from '../instrumentation/instrumentations.js';
import { startOtelSignals } from './otel-signals.js';
import { createPropagator } from './propagator.js';
import { defaultRequestTracingOptions } from '../http/request-tracing-options.js';
import { narrowRequireHook } from '../sdk-replacements/require-filter.js';
import { createResource } from './resource.js';
import { TracingSdk } from '../sdk-replacements/tracing-sdk.js';
import { setTracingRuntime, TracingRuntime } from './tracing-runtime.js';

/**
 * Starts tracing from a validated config and publishes the runtime. With tracing off nothing is
 * started: the API's no-op tracer makes every span call free.
 */
export async function startTracing(config: TracingConfig): Promise<TracingRuntime> {
  if (!config.enabled) {
    const runtime = TracingRuntime.disabled(config);
    setTracingRuntime(runtime);
    return runtime;
  }
  const requestOptions = defaultRequestTracingOptions();
  const redactor = new AttributeRedactor();
  const dropped = new DroppedSpans((message) => tracingLogger.warn(message));
  const extensions = new ExtensibleSpanProcessor();
  const resource = createResource(config);
  const unhookedRequire = Module.prototype.require;
  const [exportProcessors, instrumentations, propagator, signals] = await Promise.all([
    createExportProcessors(config, redactor, dropped),
    loadInstrumentations(config.instrumentations),
    createPropagator(config),
    startOtelSignals(resource),
  ]);
  narrowRequireHook(unhookedRequire, config.instrumentations);
  // After sdk-node, if it was loaded: it installs a console diag logger of its own for OTEL_LOG_LEVEL.
  routeDiagnostics(process.env.OTEL_LOG_LEVEL);
  const spanProcessors = [...exportProcessors, extensions];
  const sdk = new TracingSdk(config, { resource, spanProcessors, instrumentations, propagator, signals });
  sdk.start();
  const runtime = new TracingRuntime(config, requestOptions, { sdk, redactor, dropped, extensions });
  setTracingRuntime(runtime);
  return runtime;
}

async function createExportProcessors(
  config: TracingConfig,
  redactor: AttributeRedactor,
  dropped: DroppedSpans,
): Promise<SpanProcessor[]> {
  const exporter = await createSpanExporter(config);
  if (!exporter) return [];
  return [new BoundedBatchSpanProcessor(new RedactingSpanExporter(exporter, redactor), config.batch, dropped)];
}
