import { type Attributes, type Context, type Link, type SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { EnvSamplerConfig, TracingConfig } from '../config/tracing-config.js';

const SAMPLED: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };
const NOT_SAMPLED: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

/**
 * The SDK's `ParentBasedSampler` with its default delegates (follow a sampled or unsampled parent,
 * local or remote; ask `root` for a new trace), without validating the parent's ids a second time:
 * the tracer has just validated them, and only for a valid parent does it pass the parent's trace
 * id as `traceId`. Twice per child span, that hex check was a visible cost of a sampled request.
 */
export class ParentBasedFollowingSampler implements Sampler {
  constructor(private readonly root: Sampler) {}

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (parent?.traceId !== traceId) return this.root.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    return parent.traceFlags & TraceFlags.SAMPLED ? SAMPLED : NOT_SAMPLED;
  }

  toString(): string {
    return `ParentBased{root=${this.root.toString()}}`;
  }
}

/**
 * Parent-based, so a service never breaks a trace its caller sampled; the ratio applies to traces
 * that start here. `OTEL_TRACES_SAMPLER` decides only when `TRACING_SAMPLE_RATE` is not set.
 */
export function createSampler(config: TracingConfig): Sampler {
  if (config.envSampler) return createEnvSampler(config.envSampler);
  return new ParentBasedFollowingSampler(ratioSampler(config.sampleRate ?? 1));
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
      return new ParentBasedFollowingSampler(new AlwaysOnSampler());
    case 'parentbased_always_off':
      return new ParentBasedFollowingSampler(new AlwaysOffSampler());
    case 'parentbased_traceidratio':
      return new ParentBasedFollowingSampler(new TraceIdRatioBasedSampler(ratio));
  }
}

function ratioSampler(rate: number): Sampler {
  return rate >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(rate);
}
