import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { TraceReceiver } from '@app/test-support';
import { ITEMS_PER_TURN } from './in-turns.js';
import { createOtlpProtoExporter } from './otlp-proto-exporter.js';

function recordSpans(count: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] }).getTracer('exporter-test');
  for (let index = 0; index < count; index++) tracer.startSpan(`span ${index}`, { attributes: { index } }).end();
  return memory.getFinishedSpans();
}

describe('createOtlpProtoExporter', () => {
  let receiver: TraceReceiver;

  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });

  afterEach(async () => {
    await receiver.close();
  });

  it.each([ITEMS_PER_TURN, 5 * ITEMS_PER_TURN + 3])('sends a batch of %i spans in one request, every span once and in order', async (count) => {
    const exporter = createOtlpProtoExporter(receiver.url('/v1/traces'));
    const spans = recordSpans(count);

    const result = await new Promise<ExportResultCode>((resolve) => exporter.export(spans, ({ code }) => resolve(code)));
    await exporter.shutdown();

    expect(result).toBe(ExportResultCode.SUCCESS);
    expect(receiver.paths).toEqual(['/v1/traces']);
    expect(receiver.spans.map((span) => span.name)).toEqual(spans.map((span) => span.name));
    expect(new Set(receiver.spans.map((span) => span.resource['service.name'])).size).toBe(1);
  });

  it('serializes a batch larger than one slice in turns, so other work runs before its last span is read', async () => {
    const exporter = createOtlpProtoExporter(receiver.url('/v1/traces'));
    const spans = recordSpans(3 * ITEMS_PER_TURN);
    const order: string[] = [];
    const last = spans.at(-1)!;
    const name = last.name;
    Object.defineProperty(last, 'name', {
      get: () => {
        order.push('last span serialized');
        return name;
      },
    });

    const exported = new Promise((resolve) => exporter.export(spans, resolve));
    setImmediate(() => order.push('other work'));
    await exported;
    await exporter.shutdown();

    expect(order).toEqual(['other work', 'last span serialized']);
    expect(receiver.spans.at(-1)!.name).toBe(name);
  });
});
