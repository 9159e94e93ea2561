import { ROOT_CONTEXT, trace, type Tracer } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { withinTracesOnly } from './within-traces.js';

/** What an instrumentation looks like to the wrapper: a protected `tracer` getter read per call. */
class QueryInstrumentation {
  instrumentationName = 'query';
  instrumentationVersion = '1';
  constructor(public current: Tracer) {}
  protected get tracer(): Tracer {
    return this.current;
  }
  query(parent = ROOT_CONTEXT) {
    return this.tracer.startSpan('SELECT', {}, parent);
  }
}

describe('withinTracesOnly', () => {
  const provider = new TracerProvider();

  it('hands out non-recording spans outside a trace and real ones inside, from whichever tracer is current', () => {
    const instrumentation = withinTracesOnly(new QueryInstrumentation(provider.getTracer('first')) as never) as unknown as QueryInstrumentation;
    expect(instrumentation.query().isRecording()).toBe(false);
    const request = provider.getTracer('app').startSpan('GET /');
    const inside = instrumentation.query(trace.setSpan(ROOT_CONTEXT, request));
    expect(inside.isRecording()).toBe(true);
    expect(inside.spanContext().traceId).toBe(request.spanContext().traceId);
    instrumentation.current = provider.getTracer('second');
    expect(
      (instrumentation.query(trace.setSpan(ROOT_CONTEXT, request)) as unknown as { instrumentationScope: { name: string } }).instrumentationScope.name,
    ).toBe('second');
  });
});
