import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { loadTracingConfig } from '../config/index.js';
import { createSampler } from './sampler.js';

const TRACE_ID = 'd4cda95b652f4a1592b449d5929fda1b';

function decide(rate: string, parentFlags?: TraceFlags): SamplingDecision {
  const sampler = createSampler(loadTracingConfig({ TRACING_SAMPLE_RATE: rate }))!;
  const parent = parentFlags === undefined
    ? ROOT_CONTEXT
    : trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '6e0c63257de34c92', traceFlags: parentFlags, isRemote: true });
  return sampler.shouldSample(parent, TRACE_ID, 'GET /', SpanKind.SERVER, {}, []).decision;
}

describe('createSampler', () => {
  it('samples root traces by ratio', () => {
    expect(decide('1')).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide('0')).toBe(SamplingDecision.NOT_RECORD);
  });

  it("follows the caller's decision whatever the local ratio", () => {
    expect(decide('0', TraceFlags.SAMPLED)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide('1', TraceFlags.NONE)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('leaves the choice to OTEL_TRACES_SAMPLER when only that is set', () => {
    expect(createSampler(loadTracingConfig({ OTEL_TRACES_SAMPLER: 'always_off' }))).toBeUndefined();
  });
});
