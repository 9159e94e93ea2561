import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { EnvSamplerConfig, TracingConfig } from '../config/tracing-config.js';

/**
 * Parent-based, so a service never breaks a trace its caller sampled; the ratio applies to traces
 * that start here. `OTEL_TRACES_SAMPLER` decides when `TRACING_SAMPLE_RATE` is not set (both set must agree).
 */
export function createSampler(config: TracingConfig): Sampler {
  if (config.envSampler) return createEnvSampler(config.envSampler);
  return new ParentBasedSampler({ root: ratioSampler(config.sampleRate ?? 1) });
}

function createEnvSampler({ name, ratio }: EnvSamplerConfig): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

function ratioSampler(rate: number): Sampler {
  return rate >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(rate);
}
