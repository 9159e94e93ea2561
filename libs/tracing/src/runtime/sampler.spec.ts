import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { loadTracingConfig } from '../config/index.js';
import { createSampling } from './sampler.js';

const TRACE_ID = 'd4cda95b652f4a1592b449d5929fda1b';

function decide(rate: string, parentFlags?: TraceFlags, env: Record<string, string> = {}): SamplingDecision {
  const { sampler } = createSampling(loadTracingConfig(rate ? { TRACING_SAMPLE_RATE: rate, ...env } : env));
  const parent =
    parentFlags === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '6e0c63257de34c92', traceFlags: parentFlags, isRemote: true });
  return sampler.shouldSample(parent, TRACE_ID, 'GET /', SpanKind.SERVER, {}, []).decision;
}

describe('createSampling', () => {
  it('samples root traces by ratio', () => {
    expect(decide('1')).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide('0')).toBe(SamplingDecision.NOT_RECORD);
  });

  it("follows the caller's decision whatever the local ratio", () => {
    expect(decide('0', TraceFlags.SAMPLED)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide('1', TraceFlags.NONE)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('follows OTEL_TRACES_SAMPLER and its argument when TRACING_SAMPLE_RATE is not set', () => {
    expect(decide('', undefined, { OTEL_TRACES_SAMPLER: 'always_off' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('', TraceFlags.SAMPLED, { OTEL_TRACES_SAMPLER: 'always_off' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('', TraceFlags.NONE, { OTEL_TRACES_SAMPLER: 'always_on' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    const ratio = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };
    expect(decide('', undefined, ratio)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('', TraceFlags.SAMPLED, ratio)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('takes TRACING_SAMPLE_RATE with an OTEL_TRACES_SAMPLER that says the same', () => {
    expect(decide('0', undefined, { OTEL_TRACES_SAMPLER: 'parentbased_always_off' })).toBe(SamplingDecision.NOT_RECORD);
  });

  it('decides 0 and 1 without reading the trace id, and a ratio between by it', () => {
    const described = (env: Record<string, string>) => createSampling(loadTracingConfig(env)).sampler.toString();
    expect(described({ TRACING_SAMPLE_RATE: '0' })).toMatch(/^ParentBased\{root=AlwaysOffSampler,/);
    expect(described({ TRACING_SAMPLE_RATE: '1' })).toMatch(/^ParentBased\{root=AlwaysOnSampler,/);
    expect(described({ TRACING_SAMPLE_RATE: '0.25' })).toMatch(/^ParentBased\{root=TraceIdRatioBased\{0.25\},/);
    expect(described({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' })).toMatch(/^ParentBased\{root=AlwaysOffSampler,/);
    expect(described({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' })).toBe('AlwaysOnSampler');
  });

  it('says which samplers follow an unsampled parent, so the library may skip its children', () => {
    const follows = (env: Record<string, string>) => createSampling(loadTracingConfig(env)).followsParent;
    expect(follows({})).toBe(true);
    expect(follows({ TRACING_SAMPLE_RATE: '0.5' })).toBe(true);
    for (const name of ['parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio']) {
      expect(follows({ OTEL_TRACES_SAMPLER: name })).toBe(true);
    }
    for (const name of ['always_on', 'always_off', 'traceidratio']) expect(follows({ OTEL_TRACES_SAMPLER: name })).toBe(false);
  });
});
