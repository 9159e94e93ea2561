import { ROOT_CONTEXT } from '@opentelemetry/api';
import { type ReadableSpan, type Span, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { AppSpanProcessors } from './app-span-processors.js';

class Recorder implements SpanProcessor {
  readonly ended: string[] = [];
  shutdowns = 0;
  onStart(_span: Span): void {}
  onEnd(span: ReadableSpan): void {
    this.ended.push(span.name);
  }
  forceFlush = () => Promise.resolve();
  shutdown = async () => {
    this.shutdowns += 1;
  };
}

describe('AppSpanProcessors', () => {
  const apps = new AppSpanProcessors();
  const tracer = new TracerProvider({ spanProcessors: [apps] }).getTracer('test');
  const first = new Recorder();
  const second = new Recorder();

  it("gives each app its own requests' spans and every app the spans of no request", async () => {
    const firstScope = apps.attach([first]);
    tracer.startSpan('before the second app').end();
    const secondScope = apps.attach([second]);
    tracer.startSpan('first app request', {}, apps.withApp(ROOT_CONTEXT, firstScope)).end();
    tracer.startSpan('second app request', {}, apps.withApp(ROOT_CONTEXT, secondScope)).end();
    tracer.startSpan('background job').end();
    expect(first.ended).toEqual(['before the second app', 'first app request', 'background job']);
    expect(second.ended).toEqual(['second app request', 'background job']);

    await apps.detach(firstScope);
    await apps.detach(firstScope);
    expect(first.shutdowns).toBe(1);
    tracer.startSpan('after the first app closed').end();
    expect(first.ended).toHaveLength(3);
    expect(second.ended).toContain('after the first app closed');
  });
});
