import { context, INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { withSpan } from '../api/context-api.js';
import { traceLogFields } from './trace-log-fields.js';

describe('traceLogFields', () => {
  let tracing: TestTracing;
  afterEach(() => tracing?.shutdown());

  it('gives the active span ids and flags', () => {
    tracing = setupTestTracing();
    const [fields, context] = withSpan('op', {}, (span) => [traceLogFields(), span.spanContext()] as const);
    expect(fields).toEqual({ trace_id: context.traceId, span_id: context.spanId, trace_flags: '01' });
  });

  it('marks unsampled traces 00 and is empty outside a span', () => {
    tracing = setupTestTracing({ sampleRate: 0 });
    expect(traceLogFields()).toEqual({});
    expect(withSpan('op', {}, () => traceLogFields())).toMatchObject({ trace_flags: '00' });
  });

  it('is empty for a span whose context is invalid', () => {
    tracing = setupTestTracing();
    const invalid = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    expect(context.with(trace.setSpan(context.active(), invalid), () => traceLogFields())).toEqual({});
  });
});
