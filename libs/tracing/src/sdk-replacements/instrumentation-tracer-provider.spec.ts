import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { InstrumentationTracerProvider } from './instrumentation-tracer-provider.js';
import { isUnsampled } from '../runtime/library-tracer.js';

const parentWith = (traceFlags: TraceFlags) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags, isRemote: true });

describe('InstrumentationTracerProvider', () => {
  let tracing: TestTracing;
  const tracer = (unsampled = isUnsampled) =>
    new InstrumentationTracerProvider(trace.getTracerProvider(), unsampled).getTracer('@opentelemetry/instrumentation-pg', '1.0.0');
  afterEach(() => tracing.shutdown());

  it('gives a sampled parent a real child span', () => {
    tracing = setupTestTracing();
    tracer().startSpan('pg.query:SELECT', {}, parentWith(TraceFlags.SAMPLED)).end();
    const [span] = tracing.spans();
    expect(span).toMatchObject({ name: 'pg.query:SELECT', instrumentationScope: { name: '@opentelemetry/instrumentation-pg', version: '1.0.0' } });
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it("hands an unsampled parent's own context back instead of creating a span", () => {
    tracing = setupTestTracing();
    const parent = parentWith(TraceFlags.NONE);
    const span = tracer().startSpan('pg.query:SELECT', {}, parent);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toEqual(trace.getSpanContext(parent));
    const active = tracer().startActiveSpan('get', {}, parent, (inner) => trace.getSpanContext(context.active()) === inner.spanContext());
    expect(active).toBe(true);
    expect(tracing.spans()).toEqual([]);
  });

  it('leaves root spans and parent-independent samplers to the SDK', () => {
    tracing = setupTestTracing();
    const root = tracer().startSpan('root', { root: true }, parentWith(TraceFlags.NONE));
    expect(root.isRecording()).toBe(true);
    expect(root.spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(tracer().startActiveSpan('no parent', (span) => span.isRecording())).toBe(true);

    // A sampler such as OTEL_TRACES_SAMPLER=always_on: no parent makes a child unsampled.
    const parentIndependent = () => false;
    expect(tracer(parentIndependent).startSpan('under unsampled', {}, parentWith(TraceFlags.NONE)).spanContext().spanId).not.toBe('b7ad6b7169203331');
  });
});
