import { createServer } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { TraceReceiver } from '../testing/trace-receiver.js';
import { makeSpans } from '../../test/span-factory.js';
import { BoundedBatchSpanProcessor } from './batch-span-processor.js';
import { DroppedSpans } from '../exporters/dropped-spans.js';

const batch = { maxQueueSize: 20, maxExportBatchSize: 5, scheduledDelayMillis: 50, exportTimeoutMillis: 300 };

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function pipeline(url: string) {
  const warnings: string[] = [];
  const dropped = new DroppedSpans((message) => warnings.push(message));
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: 200 });
  return { processor: new BoundedBatchSpanProcessor(exporter, batch, dropped), dropped, warnings };
}

describe('BoundedBatchSpanProcessor', () => {
  let receiver: TraceReceiver;
  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });
  afterEach(() => receiver.close());

  it('waits for resource attributes that are detected asynchronously before exporting', async () => {
    const hostId = new Promise<string>((resolve) => setTimeout(() => resolve('machine-1'), 50));
    const ended: ReadableSpan[] = [];
    // Captures spans as they end; the SDK's processors would wait for the resource themselves.
    const capture = { onStart: () => undefined, onEnd: (span: ReadableSpan) => ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'async-resource', 'host.id': hostId }),
      spanProcessors: [capture],
    });
    provider.getTracer('test').startSpan('early').end();
    const { processor } = pipeline(receiver.url('/v1/traces'));
    const [span] = ended;
    expect(span.resource.asyncAttributesPending).toBe(true);
    processor.onEnd(span);
    await processor.forceFlush();

    expect(receiver.spans[0].resource).toMatchObject({ 'service.name': 'async-resource', 'host.id': 'machine-1' });
  });

  it('exports batches that the receiver decodes intact', async () => {
    const { processor, dropped } = pipeline(receiver.url('/v1/traces'));
    const spans = makeSpans(6);
    for (const span of spans) processor.onEnd(span);
    await processor.forceFlush();

    expect(receiver.spans.map((span) => span.spanId).sort()).toEqual(spans.map((span) => span.spanContext().spanId).sort());
    expect(receiver.requests).toBe(3);
    expect(dropped.count).toBe(0);
  });

  it.each([
    ['answers 5xx', 'fail' as const],
    ['accepts and never answers', 'hang' as const],
  ])('when the backend %s, bounds the queue, counts the lost spans and warns once', async (_label, mode) => {
    receiver.mode = mode;
    const { processor, dropped, warnings } = pipeline(receiver.url('/v1/traces'));
    const spans = makeSpans(30);
    for (const span of spans) processor.onEnd(span);
    await processor.shutdown();

    expect(dropped.count).toBe(spans.length);
    expect(warnings).toHaveLength(1);
    expect(receiver.spans).toHaveLength(0);
  });

  it('when the backend refuses connections, drops and counts without throwing', async () => {
    const { processor, dropped } = pipeline(`http://127.0.0.1:${await closedPort()}/v1/traces`);
    const spans = makeSpans(4);
    expect(() => spans.forEach((span) => processor.onEnd(span))).not.toThrow();
    await processor.forceFlush();
    expect(dropped.count).toBe(spans.length);
  });

  it('keeps one export in flight while the backend hangs, so requests do not pile up', async () => {
    receiver.mode = 'hang';
    const { processor } = pipeline(receiver.url('/v1/traces'));
    for (const span of makeSpans(10)) processor.onEnd(span);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(receiver.requests).toBe(1);
    await processor.shutdown();
  });

  it('ignores unsampled spans and spans ended after shutdown', async () => {
    const { processor } = pipeline(receiver.url('/v1/traces'));
    const [span] = makeSpans(1);
    const unsampled = Object.create(span, { spanContext: { value: () => ({ ...span.spanContext(), traceFlags: 0 }) } });
    processor.onEnd(unsampled);
    await processor.shutdown();
    processor.onEnd(span);
    await processor.forceFlush();
    expect(receiver.requests).toBe(0);
  });
});
