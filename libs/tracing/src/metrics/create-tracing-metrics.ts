import type { TracingRuntime } from '../runtime/tracing-runtime.js';
import { SpanMetricsProcessor } from './span-metrics.processor.js';
import { TracingMetrics } from './tracing-metrics.js';

/** Metrics work with tracing off too; span-derived ones then simply stay at zero. */
export function createTracingMetrics(runtime: TracingRuntime): TracingMetrics {
  const metrics = new TracingMetrics(runtime);
  runtime.configure({ spanProcessors: [new SpanMetricsProcessor(metrics)] });
  return metrics;
}
