import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { loadTracingConfig } from '../config/index.js';
import { GrpcTraceReceiver } from '../../test/grpc-trace-receiver.js';
import { makeSpans } from '../../test/span-factory.js';
import { TraceReceiver } from '@app/test-support';
import { createSpanExporters } from './create-span-exporter.js';
import { ZipkinExporter } from '../sdk-replacements/zipkin/zipkin-exporter.js';
import { ConsoleTreeExporter } from './console-tree-exporter.js';

/** Sets standard OTEL_* variables for one test: the exporters read them from process.env. */
async function withEnv(variables: Record<string, string>, run: () => Promise<void>): Promise<void> {
  Object.assign(process.env, variables);
  try {
    await run();
  } finally {
    for (const name of Object.keys(variables)) delete process.env[name];
  }
}

/** The one exporter the config names. */
async function createSpanExporter(config: ReturnType<typeof loadTracingConfig>): Promise<SpanExporter> {
  const exporters = await createSpanExporters(config);
  expect(exporters).toHaveLength(1);
  return exporters[0];
}

async function exportTo(exporter: SpanExporter): Promise<ExportResult> {
  const result = await new Promise<ExportResult>((resolve) => exporter.export(makeSpans(1), resolve));
  await exporter.shutdown();
  return result;
}

describe('createSpanExporters', () => {
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

  it('otlp over grpc reaches the collector at OTLP_ENDPOINT', async () => {
    const collector = await GrpcTraceReceiver.start();
    try {
      const config = loadTracingConfig({
        TRACING_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}`,
      });
      const result = await exportTo(await createSpanExporter(config));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(collector.spans.map((span) => span.name).sort()).toEqual(['GET /users/:id', 'UsersController.findOne']);
    } finally {
      collector.close();
    }
  });

  it('otlp compresses with gzip when OTEL_EXPORTER_OTLP_COMPRESSION asks', () =>
    withEnv({ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, async () => {
      const config = loadTracingConfig({ TRACING_EXPORTER: 'otlp', OTLP_ENDPOINT: receiver.url() });
      await exportTo(await createSpanExporter(config));
      expect(receiver.headers[0]['content-encoding']).toBe('gzip');
      expect(receiver.spans).toHaveLength(2);
    }));

  it('jaeger exports OTLP/protobuf to JAEGER_ENDPOINT', async () => {
    const config = loadTracingConfig({ TRACING_EXPORTER: 'jaeger', JAEGER_ENDPOINT: receiver.url('/v1/traces') });
    const result = await exportTo(await createSpanExporter(config));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.contentTypes).toEqual(['application/x-protobuf']);
    expect(receiver.spans).toHaveLength(2);
  });

  it('otlp honours OTEL_EXPORTER_OTLP_HEADERS', () =>
    withEnv({ OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme' }, async () => {
      const config = loadTracingConfig({ TRACING_EXPORTER: 'otlp', OTLP_ENDPOINT: receiver.url() });
      await exportTo(await createSpanExporter(config));
      expect(receiver.headers[0]['x-tenant']).toBe('acme');
    }));

  it('otlp without OTLP_ENDPOINT sends to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', () =>
    withEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url('/custom/traces') }, async () => {
      const config = loadTracingConfig({ TRACING_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url('/custom/traces') });
      expect(config.otlpEndpoint).toBe(receiver.url('/custom/traces'));
      expect((await exportTo(await createSpanExporter(config))).code).toBe(ExportResultCode.SUCCESS);
      expect(receiver.paths).toEqual(['/custom/traces']);
    }));

  it('builds the console (a tree, or raw), and Zipkin exporters, and none for "none"', async () => {
    expect(await createSpanExporter(loadTracingConfig({}))).toBeInstanceOf(ConsoleTreeExporter);
    expect(await createSpanExporter(loadTracingConfig({ TRACING_CONSOLE_FORMAT: 'raw' }))).toBeInstanceOf(ConsoleSpanExporter);
    expect(await createSpanExporter(loadTracingConfig({ TRACING_EXPORTER: 'zipkin' }))).toBeInstanceOf(ZipkinExporter);
    expect(await createSpanExporters(loadTracingConfig({ TRACING_EXPORTER: 'none' }))).toEqual([]);
  });

  it('builds one exporter per listed name, so spans can go to the console and a backend at once', async () => {
    const exporters = await createSpanExporters(loadTracingConfig({ TRACING_EXPORTER: 'console, otlp', OTLP_ENDPOINT: receiver.url() }));
    expect(exporters[0]).toBeInstanceOf(ConsoleTreeExporter);
    expect((await exportTo(exporters[1])).code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.spans.map((span) => span.name).sort()).toEqual(['GET /users/:id', 'UsersController.findOne']);
    await exporters[0].shutdown();
  });
});
