import { type Context, ROOT_CONTEXT, type Span, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, type Sampler, SamplingDecision, TracerProvider } from '@opentelemetry/sdk-trace';
import { loadTracingConfig } from '../config/index.js';
import { createSampler, ParentBasedFollowingSampler } from './sampler.js';

const TRACE_ID = 'd4cda95b652f4a1592b449d5929fda1b';

function decide(rate: string, parentFlags?: TraceFlags, env: Record<string, string> = {}): SamplingDecision {
  const sampler = createSampler(loadTracingConfig(rate ? { TRACING_SAMPLE_RATE: rate, ...env } : env));
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

  it('follows OTEL_TRACES_SAMPLER and its argument when TRACING_SAMPLE_RATE is not set', () => {
    expect(decide('', undefined, { OTEL_TRACES_SAMPLER: 'always_off' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('', TraceFlags.SAMPLED, { OTEL_TRACES_SAMPLER: 'always_off' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('', TraceFlags.NONE, { OTEL_TRACES_SAMPLER: 'always_on' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    const ratio = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };
    expect(decide('', undefined, ratio)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('', TraceFlags.SAMPLED, ratio)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('lets TRACING_SAMPLE_RATE win over OTEL_TRACES_SAMPLER', () => {
    expect(decide('1', undefined, { OTEL_TRACES_SAMPLER: 'always_off' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});

describe('ParentBasedFollowingSampler', () => {
  const parents: Record<string, Context> = {
    none: ROOT_CONTEXT,
    'remote sampled': trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '6e0c63257de34c92', traceFlags: TraceFlags.SAMPLED, isRemote: true }),
    'remote unsampled': trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '6e0c63257de34c92', traceFlags: TraceFlags.NONE, isRemote: true }),
    'local sampled': trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '6e0c63257de34c92', traceFlags: TraceFlags.SAMPLED }),
    'local unsampled': trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '6e0c63257de34c92', traceFlags: TraceFlags.NONE }),
    'sampled, invalid trace id': trace.setSpanContext(ROOT_CONTEXT, { traceId: 'not-hex-not-hex-not-hex-not-hex-', spanId: '6e0c63257de34c92', traceFlags: TraceFlags.SAMPLED }),
    'sampled, zero span id': trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '0000000000000000', traceFlags: TraceFlags.SAMPLED }),
    'unsampled, invalid span id': trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: 'zz0c63257de34c92', traceFlags: TraceFlags.NONE }),
  };

  function startUnder(sampler: Sampler, parent: Context): Span {
    return new TracerProvider({ sampler }).getTracer('test').startSpan('child', {}, parent);
  }

  it.each(Object.keys(parents))('decides as the SDK ParentBasedSampler does under a parent: %s', (parentName) => {
    for (const root of [new AlwaysOnSampler(), new AlwaysOffSampler()]) {
      const ours = startUnder(new ParentBasedFollowingSampler(root), parents[parentName]);
      const sdk = startUnder(new ParentBasedSampler({ root }), parents[parentName]);
      expect(ours.isRecording()).toBe(sdk.isRecording());
      expect(ours.spanContext().traceFlags).toBe(sdk.spanContext().traceFlags);
      expect(ours.spanContext().traceId === TRACE_ID).toBe(sdk.spanContext().traceId === TRACE_ID);
    }
  });
});
