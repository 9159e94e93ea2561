import { resolve } from 'node:path';
import { type PreloadedProcess, spawnWithPreload, startWithPreload, TraceReceiver } from '@app/test-support';

const FIXTURE = resolve('libs/tracing/test/fixture/dist/main.js');

/**
 * An app configured only with the OpenTelemetry SDK's standard variables, as the OpenTelemetry docs
 * configure one, and none of the library's short names: it behaves as those docs say.
 */
describe('the preload, configured only with standard OTEL_* variables', () => {
  let receiver: TraceReceiver;
  const started: PreloadedProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await startWithPreload(FIXTURE, { PORT: '0', OTEL_BSP_SCHEDULE_DELAY: '50', ...env });
    started.push(app);
    return app;
  };

  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((app) => app.stop('SIGKILL')));
    await receiver.close();
  });

  it('exports to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, with the protocol, headers, compression, resource, sampler and limits asked for', async () => {
    const app = await start({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url('/collector/traces'),
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=key-123,x-tenant=acme',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_SERVICE_NAME: 'standard-only',
      OTEL_RESOURCE_ATTRIBUTES: 'team=payments,deployment.environment.name=staging',
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '6',
    });
    const response = await fetch(`${app.url}/items/abcdefghij`);
    const traceId = response.headers.get('x-trace-id');
    const server = await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === 2);
    expect(receiver.paths.every((path) => path === '/collector/traces')).toBe(true);
    expect(receiver.contentTypes[0]).toContain('application/json');
    expect(receiver.headers[0]).toMatchObject({ 'x-api-key': 'key-123', 'x-tenant': 'acme', 'content-encoding': 'gzip' });
    expect(server.resource).toMatchObject({ 'service.name': 'standard-only', team: 'payments', 'deployment.environment.name': 'staging' });
    expect(server.attributes['url.path']).toBe('/items');
    const service = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'ItemsService.find');
    expect(service.attributes['item.id']).toBe('abcdef');
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT and sends protobuf by default', async () => {
    const app = await start({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url() });
    const traceId = (await fetch(`${app.url}/items/1`)).headers.get('x-trace-id');
    await receiver.waitForSpan((span) => span.traceId === traceId);
    expect(receiver.paths[0]).toBe('/v1/traces');
    expect(receiver.contentTypes[0]).toBe('application/x-protobuf');
  });

  it('exports to OTEL_EXPORTER_ZIPKIN_ENDPOINT, and to every exporter OTEL_TRACES_EXPORTER lists', async () => {
    const app = await start({
      OTEL_TRACES_EXPORTER: 'zipkin,otlp',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: receiver.url('/api/v2/spans'),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url(),
    });
    const traceId = (await fetch(`${app.url}/items/2`)).headers.get('x-trace-id');
    await receiver.waitForSpan((span) => span.traceId === traceId);
    await receiver.waitFor(() => (receiver.zipkinSpans.some((span) => span.traceId === traceId) ? true : undefined));
  });

  it('traces nothing with OTEL_SDK_DISABLED=true, quietly, as asked', async () => {
    const app = await start({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url() });
    const response = await fetch(`${app.url}/items/3`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-trace-id')).toBeNull();
    await new Promise((done) => setTimeout(done, 300));
    expect(receiver.requests).toBe(0);
    expect(app.output()).not.toContain('[tracing]');
  });

  it('says in one line that tracing is off, and how to turn it on, when nothing asks for it', async () => {
    const app = await start({});
    expect(app.output().split('\n')[0]).toBe('[tracing] tracing is off: set ENABLE_TRACING=true, or an exporter in OTEL_TRACES_EXPORTER, to turn it on');
  });

  it('stops before listening, naming both, when a short name and a standard one disagree', async () => {
    const app = spawnWithPreload(FIXTURE, { PORT: '0', TRACING_EXPORTER: 'console', OTEL_TRACES_EXPORTER: 'otlp' });
    expect(await app.exited).toBe(1);
    expect(app.output().trim()).toBe('[tracing] Invalid TRACING_EXPORTER="console": it disagrees with OTEL_TRACES_EXPORTER="otlp"; set one of them');
  });
});
