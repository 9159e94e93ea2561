import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';

/**
 * Real SDK spans for exporter tests: a private provider (not the global one) records them into
 * memory; the tests then hand them to the exporter under test.
 */
export function makeSpans(count = 1): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'exporter-test' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('test');
  for (let index = 0; index < count; index++) {
    const parent = tracer.startSpan('GET /users/:id', { kind: SpanKind.SERVER, attributes: { 'http.route': '/users/:id', index } });
    const child = tracer.startSpan(
      'UsersController.findOne',
      { attributes: { retries: 2, cached: true, tags: ['a', 'b'] } },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    child.addEvent('cache.miss', { key: 'user:1' });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.end();
    parent.end();
  }
  return memory.getFinishedSpans();
}
