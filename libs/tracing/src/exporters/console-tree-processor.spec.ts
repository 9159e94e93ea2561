import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { ConsoleTreeExporter } from './console-tree-exporter.js';
import { ConsoleTreeProcessor } from './console-tree-processor.js';

function setup(redact?: (span: ReadableSpan) => ReadableSpan) {
  const output: string[] = [];
  const tree = new ConsoleTreeExporter({ colour: false, write: (text) => output.push(text) });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders-api' }),
    spanProcessors: [new ConsoleTreeProcessor(tree, redact)],
  });
  const blocks = () =>
    output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('trace '));
  return { tracer: provider.getTracer('test'), text: () => output.join(''), blocks, provider };
}

describe('ConsoleTreeProcessor', () => {
  it('writes a trace the moment its local root ends, with no batch delay', () => {
    const { tracer, text } = setup();
    const root = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER });
    tracer.startSpan('OrdersService.list', {}, trace.setSpan(ROOT_CONTEXT, root)).end();
    expect(text()).toBe('');
    root.end();
    expect(text()).toMatch(/2 spans\n {2}GET \/orders .*\n {4}OrdersService\.list/);
  });

  it('writes an app calling itself as one block: the inner request under the call that made it', () => {
    const { tracer, text, blocks } = setup();
    const t0 = Date.now();
    const outer = tracer.startSpan('GET /report', { kind: SpanKind.SERVER, startTime: t0 });
    const call = tracer.startSpan('GET', { kind: SpanKind.CLIENT, startTime: t0 + 1 }, trace.setSpan(ROOT_CONTEXT, outer));
    // The inner request arrives over HTTP: its parent is the CLIENT span, as a remote context.
    const remote = trace.setSpanContext(ROOT_CONTEXT, { ...call.spanContext(), isRemote: true });
    const inner = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, startTime: t0 + 2 }, remote);
    inner.end(t0 + 3);
    call.end(t0 + 4);
    expect(text()).toBe('');
    outer.end(t0 + 5);
    expect(blocks()).toHaveLength(1);
    expect(text()).toMatch(/3 spans\n {2}GET \/report +server.*\n {4}GET +client.*\n {6}GET \/orders +server/);
  });

  it('writes a trace whose spans outlive its root when the last of them ends', () => {
    const { tracer, text } = setup();
    const root = tracer.startSpan('POST /jobs', { kind: SpanKind.SERVER });
    const job = tracer.startSpan('job', {}, trace.setSpan(ROOT_CONTEXT, root));
    root.end();
    expect(text()).toBe('');
    job.end();
    expect(text()).toMatch(/2 spans\n {2}POST \/jobs.*\n {4}job/);
  });

  it('writes only sampled spans, redacted', () => {
    const { tracer, text } = setup((span) => Object.create(span, { name: { value: `${span.name} (redacted)` } }) as ReadableSpan);
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    tracer.startSpan('unsampled child', {}, unsampled).end();
    tracer.startSpan('sampled').end();
    expect(text()).not.toContain('unsampled child');
    expect(text()).toContain('sampled (redacted)');
  });

  it('writes what is still held when it shuts down', async () => {
    const { tracer, text, provider } = setup();
    const root = tracer.startSpan('GET /slow');
    tracer.startSpan('done child', {}, trace.setSpan(ROOT_CONTEXT, root)).end();
    await provider.shutdown();
    expect(text()).toContain('done child');
  });
});
