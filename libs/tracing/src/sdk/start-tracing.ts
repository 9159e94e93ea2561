import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { BoundedBatchSpanProcessor } from '../exporters/bounded-batch-span-processor.js';
import { createSpanExporter } from '../exporters/create-span-exporter.js';
import { DroppedSpans } from '../exporters/dropped-spans.js';
import { routeDiagnostics } from '../logging/diag-logger.js';
import { tracingLogger } from '../logging/tracing-logger.js';
import { AttributeRedactor } from '../redaction/attribute-redactor.js';
import { RedactingSpanExporter } from '../redaction/redacting-span-exporter.js';
import type { TracingConfig } from '../tracing.interfaces.js';
import { ExtensibleSpanProcessor } from './extensible-span-processor.js';
import { loadInstrumentations } from './instrumentations.js';
import { defaultRequestTracingOptions } from './request-tracing-options.js';
import { createResource } from './resource.js';
import { createSampler } from './sampler.js';
import { setTracingRuntime, TracingRuntime } from './tracing-runtime.js';

/**
 * Starts the OpenTelemetry Node SDK from a validated config and publishes the runtime. With
 * tracing off nothing is started: the API's no-op tracer makes every span call free.
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
  const exportProcessors = await createExportProcessors(config, redactor, dropped);
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    resource: createResource(config),
    sampler: createSampler(config),
    spanProcessors: [...exportProcessors, extensions],
    instrumentations: await loadInstrumentations(config.instrumentations),
    // Without these the SDK would start OTLP metrics and logs exporters nobody asked for.
    ...(process.env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(process.env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  });
  // After the SDK, which installs a console diag logger of its own for OTEL_LOG_LEVEL.
  routeDiagnostics(process.env.OTEL_LOG_LEVEL);
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
