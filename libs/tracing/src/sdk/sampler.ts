import { AlwaysOnSampler, ParentBasedSampler, type Sampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from '../tracing.interfaces.js';

/**
 * Parent-based, so a service never breaks a trace its caller sampled; the ratio applies to traces
 * that start here. Undefined hands the choice to the SDK's `OTEL_TRACES_SAMPLER` handling.
 */
export function createSampler(config: TracingConfig): Sampler | undefined {
  if (config.useEnvSampler) return undefined;
  const rate = config.sampleRate ?? 1;
  const root = rate >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(rate);
  return new ParentBasedSampler({ root });
}
