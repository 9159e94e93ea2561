import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { loadTracingConfig } from '../config/index.js';
import { makeSpans } from '../../test/span-factory.js';
import { TraceReceiver } from '../../test/trace-receiver.js';
import { createSpanExporter } from './create-span-exporter.js';
import { ZipkinExporter } from './zipkin/zipkin-exporter.js';

async function exportTo(exporter: SpanExporter | undefined): Promise<ExportResult> {
  const result = await new Promise<ExportResult>((resolve) => exporter!.export(makeSpans(1), resolve));
  await exporter!.shutdown();
  return result;
}

describe('createSpanExporter', () => {
  let receiver: TraceReceiver;
  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });
  afterEach(() => receiver.close());

  it.each([
    ['http/protobuf', 'application/x-protobuf'],
    ['http/json', 'application/json'],
  ])('otlp over %s reaches OTLP_ENDPOINT/v1/traces with spans the receiver decodes', async (protocol, contentType) => {
    const config = loadTracingConfig({ TRACING_EXPORTER: 'otlp', OTLP_ENDPOINT: receiver.url(), OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
    const result = await exportTo(await createSpanExporter(config));

    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.contentTypes).toEqual([contentType]);
    const server = receiver.spans.find((span) => span.name === 'GET /users/:id')!;
    const handler = receiver.spans.find((span) => span.name === 'UsersController.findOne')!;
    expect(server).toMatchObject({ kind: 2, attributes: { 'http.route': '/users/:id', index: 0 }, resource: { 'service.name': 'exporter-test' } });
    expect(handler).toMatchObject({
      traceId: server.traceId,
      parentSpanId: server.spanId,
      kind: 1,
      attributes: { retries: 2, cached: true },
      status: { code: 2, message: 'boom' },
      events: [{ name: 'cache.miss', attributes: { key: 'user:1' } }],
    });
    expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(server.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('jaeger exports OTLP/protobuf to JAEGER_ENDPOINT', async () => {
    const config = loadTracingConfig({ TRACING_EXPORTER: 'jaeger', JAEGER_ENDPOINT: receiver.url('/v1/traces') });
    const result = await exportTo(await createSpanExporter(config));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.contentTypes).toEqual(['application/x-protobuf']);
    expect(receiver.spans).toHaveLength(2);
  });

  it('otlp honours OTEL_EXPORTER_OTLP_HEADERS', async () => {
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-tenant=acme';
    try {
      const config = loadTracingConfig({ TRACING_EXPORTER: 'otlp', OTLP_ENDPOINT: receiver.url() });
      await exportTo(await createSpanExporter(config));
      expect(receiver.headers[0]['x-tenant']).toBe('acme');
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    }
  });

  it('builds the console and Zipkin exporters, and none for "none"', async () => {
    expect(await createSpanExporter(loadTracingConfig({}))).toBeInstanceOf(ConsoleSpanExporter);
    expect(await createSpanExporter(loadTracingConfig({ TRACING_EXPORTER: 'zipkin' }))).toBeInstanceOf(ZipkinExporter);
    expect(await createSpanExporter(loadTracingConfig({ TRACING_EXPORTER: 'none' }))).toBeUndefined();
  });
});
