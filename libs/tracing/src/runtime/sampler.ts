import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, type Sampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import type { EnvSamplerConfig, TracingConfig } from '../config/tracing-config.js';

/** The sampler, and what the library may conclude from it without asking it. */
export interface Sampling {
  sampler: Sampler;
  /**
   * Whether a span under an unsampled parent is always unsampled too. Then the library skips
   * creating it (see `isUnsampled`); a sampler that decides each span afresh gets every span.
   */
  followsParent: boolean;
}

const ENV_SAMPLERS: Record<EnvSamplerConfig['name'], { followsParent: boolean; create(ratio: number): Sampler }> = {
  always_on: { followsParent: false, create: () => new AlwaysOnSampler() },
  always_off: { followsParent: false, create: () => new AlwaysOffSampler() },
  traceidratio: { followsParent: false, create: (ratio) => ratioSampler(ratio) },
  parentbased_always_on: { followsParent: true, create: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }) },
  parentbased_always_off: { followsParent: true, create: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }) },
  parentbased_traceidratio: {
    followsParent: true,
    create: (ratio) => new ParentBasedSampler({ root: ratioSampler(ratio) }),
  },
};

/**
 * The ratio sampler, or at the ends of its range the sampler that decides the same without
 * reading the trace id: the ratio sampler validates and sums the id's hex for every root span,
 * work that a ratio of 0 or 1 does not need.
 */
function ratioSampler(ratio: number): Sampler {
  if (ratio >= 1) return new AlwaysOnSampler();
  if (!(ratio > 0)) return new AlwaysOffSampler();
  return new TraceIdRatioBasedSampler(ratio);
}

/**
 * Parent-based, so a service never breaks a trace its caller sampled; the ratio applies to traces
 * that start here. `OTEL_TRACES_SAMPLER` decides when `TRACING_SAMPLE_RATE` is not set (both set must agree).
 */
export function createSampling(config: TracingConfig): Sampling {
  if (config.envSampler) {
    const { followsParent, create } = ENV_SAMPLERS[config.envSampler.name];
    return { sampler: create(config.envSampler.ratio), followsParent };
  }
  return { sampler: new ParentBasedSampler({ root: ratioSampler(config.sampleRate ?? 1) }), followsParent: true };
}
