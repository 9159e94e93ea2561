import type { SpanLimits } from '@opentelemetry/sdk-trace';
import { PROPAGATOR_NAMES, RESOURCE_DETECTOR_NAMES, SAMPLER_NAMES } from './choices.js';
import type { EnvSamplerConfig, PropagatorName, ResourceDetectorName, SamplerName } from './tracing-config.js';
import { type Env, envChoice, envInteger, envList, envRate, readEnv } from './env.js';

/**
 * The standard `OTEL_*` variables that sdk-node would read, validated like the library's own:
 * sdk-node logs a diagnostic and carries on with a default, which hides a typo until someone
 * wonders why traces look wrong.
 */

export function parseEnvSampler(env: Env): EnvSamplerConfig | undefined {
  if (readEnv(env, 'OTEL_TRACES_SAMPLER') === undefined) return undefined;
  const name = envChoice<SamplerName>(env, 'OTEL_TRACES_SAMPLER', SAMPLER_NAMES, 'parentbased_always_on');
  return { name, ratio: envRate(env, 'OTEL_TRACES_SAMPLER_ARG') ?? 1 };
}

export function parsePropagators(env: Env): Exclude<PropagatorName, 'none'>[] {
  const names = envList(env, 'OTEL_PROPAGATORS', PROPAGATOR_NAMES) ?? ['tracecontext', 'baggage'];
  if (names.includes('none')) return [];
  return [...new Set(names.filter((name) => name !== 'none'))];
}

type DetectorName = Exclude<ResourceDetectorName, 'all' | 'none'>;
const ALL_DETECTORS: DetectorName[] = ['serviceinstance', 'process', 'host', 'os', 'env'];

export function parseResourceDetectors(env: Env): DetectorName[] {
  const names = envList(env, 'OTEL_NODE_RESOURCE_DETECTORS', RESOURCE_DETECTOR_NAMES) ?? ['all'];
  if (names.includes('none')) return [];
  if (names.includes('all')) return ALL_DETECTORS;
  return [...new Set(names.filter((name): name is DetectorName => name !== 'all' && name !== 'none'))];
}

export function parseSpanLimits(env: Env): SpanLimits {
  const limit = (name: string, fallbackName?: string) => envInteger(env, name) ?? (fallbackName ? envInteger(env, fallbackName) : undefined);
  const limits: SpanLimits = {
    attributeCountLimit: limit('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit: limit('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    eventCountLimit: limit('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: limit('OTEL_SPAN_LINK_COUNT_LIMIT'),
    attributePerEventCountLimit: limit('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT'),
    attributePerLinkCountLimit: limit('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT'),
  };
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}
