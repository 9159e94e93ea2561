import { createServer } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { TraceReceiver } from '@app/test-support';
import { makeSpans } from '../../test/span-factory.js';
import { BatchSpanProcessor } from './batch-span-processor.js';
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
  return { processor: new BatchSpanProcessor(exporter, batch, dropped), dropped, warnings };
}

describe('BatchSpanProcessor', () => {
  let receiver: TraceReceiver;
  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });
  afterEach(() => receiver.close());

  it('waits for resource attributes that are detected asynchronously before exporting', async () => {
    const hostId = new Promise<string>((resolve) => setTimeout(() => resolve('machine-1'), 50));
    const ended: ReadableSpan[] = [];
    // Captures spans as they end; the SDK's processors would wait for the resource themselves.
    const capture = {
      onStart: () => undefined,
      onEnd: (span: ReadableSpan) => ended.push(span),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
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

  describe('with an exporter that never answers and has no timeout of its own', () => {
    class SilentExporter implements SpanExporter {
      exports = 0;
      shutdowns = 0;
      export(_spans: ReadableSpan[], _done: (result: ExportResult) => void): void {
        this.exports += 1;
      }
      async shutdown(): Promise<void> {
        this.shutdowns += 1;
      }
    }
    const setup = () => {
      const warnings: string[] = [];
      const dropped = new DroppedSpans((message) => warnings.push(message));
      const exporter = new SilentExporter();
      return { exporter, dropped, warnings, processor: new BatchSpanProcessor(exporter, batch, dropped) };
    };

    it('drops what exceeds the queue bound at once, and says why', () => {
      const { processor, dropped, warnings } = setup();
      for (const span of makeSpans(15)) processor.onEnd(span);
      // 30 spans: one batch of 5 on the wire, 20 queued: the last 5 have nowhere to go.
      expect(processor.pendingSpans).toBe(25);
      expect(dropped.count).toBe(5);
      expect(warnings).toEqual([expect.stringContaining('export queue full (20 spans)')]);
    });

    it('gives up on an export after its own exportTimeoutMillis and counts the batch', async () => {
      const { processor, dropped, warnings } = setup();
      for (const span of makeSpans(2)) processor.onEnd(span);
      const started = Date.now();
      await processor.forceFlush();
      expect(Date.now() - started).toBeGreaterThanOrEqual(batch.exportTimeoutMillis - 5);
      expect(Date.now() - started).toBeLessThan(batch.exportTimeoutMillis + 1_000);
      expect(dropped.count).toBe(4);
      expect(warnings).toEqual([expect.stringContaining('export timed out after 300 ms')]);
      expect(processor.pendingSpans).toBe(0);
    });

    it('shuts down once, however often it is asked', async () => {
      const { processor, exporter } = setup();
      const first = processor.shutdown();
      expect(processor.shutdown()).toBe(first);
      await first;
      await processor.shutdown();
      expect(exporter.shutdowns).toBe(1);
    });
  });

  it('waits for every pending resource in a batch, not only the first', async () => {
    const ended: ReadableSpan[] = [];
    const capture = {
      onStart: () => undefined,
      onEnd: (span: ReadableSpan) => ended.push(span),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    for (const [name, delay] of [
      ['fast', 10],
      ['slow', 80],
    ] as const) {
      const hostId = new Promise<string>((resolve) => setTimeout(() => resolve(`host-${name}`), delay));
      new TracerProvider({ resource: resourceFromAttributes({ 'service.name': name, 'host.id': hostId }), spanProcessors: [capture] })
        .getTracer('test')
        .startSpan(name)
        .end();
    }
    let waitedFor: ReadableSpan[] = [];
    const exporter: SpanExporter = {
      export: (spans, done) => {
        waitedFor = spans.filter((span) => !span.resource.asyncAttributesPending);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => undefined,
    };
    const processor = new BatchSpanProcessor(exporter, batch, new DroppedSpans(() => undefined));
    for (const span of ended) processor.onEnd(span);
    await processor.forceFlush();
    expect(waitedFor.map((span) => span.name)).toEqual(['fast', 'slow']);
  });
});
