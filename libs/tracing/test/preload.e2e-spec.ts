import { resolve } from 'node:path';
import { freePort, type PreloadedProcess, spawnWithPreload, startWithPreload, TraceReceiver, waitUntil } from '@app/test-support';

const FIXTURE = resolve('libs/tracing/test/fixture/dist/main.js');
const JOB = resolve('libs/tracing/test/fixture/dist/job.js');
const PINO_JOB = resolve('libs/tracing/test/fixture/dist/pino-job.js');

/**
 * The library as users run it: a separate Node process started with the preload, so the real
 * module hooks instrument `http` and `undici`, exporting OTLP to a receiver inside the test.
 */
const OTLP_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };
const LIBRARY_SCOPE = 'nestjs-tracing';

function tracingEnv(receiver: TraceReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: 'test', PORT: '0', ...receiver.exportEnv(), OTEL_SERVICE_NAME: 'fixture', OTEL_BSP_SCHEDULE_DELAY: '50', ...extra };
}

describe('preload (node --import nestjs-tracing/register)', () => {
  let receiver: TraceReceiver;
  const started: PreloadedProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const fixture = await startWithPreload(FIXTURE, env);
    started.push(fixture);
    return fixture;
  };

  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((fixture) => fixture.stop('SIGKILL')));
    await receiver.close();
  });

  const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);

  it('exports one SERVER span per request, named by route and handler, with @Span spans under it', async () => {
    const app = await start(tracingEnv(receiver, { OTEL_RESOURCE_ATTRIBUTES: 'team=payments' }));
    const response = await fetch(`${app.url}/items/42`);
    const traceId = response.headers.get('x-trace-id')!;
    expect(response.status).toBe(200);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const service = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'ItemsService.find');
    await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === OTLP_KIND.SERVER);
    const servers = inTrace(traceId).filter((span) => span.kind === OTLP_KIND.SERVER);
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server).toMatchObject({
      name: 'GET /items/:id',
      scope: LIBRARY_SCOPE,
      attributes: { 'http.route': '/items/:id', 'http.response.status_code': 200, 'code.function.name': 'FixtureController.find' },
    });
    expect(server.resource).toMatchObject({ 'service.name': 'fixture', 'deployment.environment.name': 'test', team: 'payments' });
    expect(server.resource['host.name']).toBeDefined();
    expect(server.resource['process.pid']).toBeDefined();
    expect(server.resource['process.command_args']).toBeUndefined();
    expect(service.parentSpanId).toBe(server.spanId);
    expect(service.attributes).toEqual({ 'item.id': '42', 'user.password': '[REDACTED]' });
    expect(await response.json()).toEqual({ id: '42', traceId });
  });

  it('names guard-rejected requests, marks 5xx ERROR, and skips health checks', async () => {
    const app = await start(tracingEnv(receiver));
    await fetch(`${app.url}/guarded`);
    await fetch(`${app.url}/health`);
    const failed = await fetch(`${app.url}/fail`);
    expect(failed.status).toBe(500);

    const fail = await receiver.waitForSpan((span) => span.name === 'GET /fail');
    const guarded = await receiver.waitForSpan((span) => span.name === 'GET /guarded');
    expect(guarded.attributes['http.response.status_code']).toBe(403);
    expect(guarded.status.code).toBe(0);
    expect(fail.status.code).toBe(2);
    expect(fail.attributes['error.type']).toBe('500');
    expect(fail.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.message': 'boom' } });
    expect(receiver.spans.some((span) => span.name.includes('health'))).toBe(false);
  });

  it('records a request whose client gave up as aborted: no status code it never sent, and counted in the metrics', async () => {
    const app = await start(tracingEnv(receiver));
    const started = Date.now();
    await expect(fetch(`${app.url}/slow`, { method: 'POST', signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const span = await receiver.waitForSpan((candidate) => candidate.name === 'POST /slow');
    expect(span.attributes['http.response.status_code']).toBeUndefined();
    expect(span.attributes['error.type']).toBe('aborted');
    expect(span.status).toEqual({ code: 2, message: 'the client closed the connection before the response was sent' });
    // It ended when the client went away, not when the handler finished a second later.
    expect(Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6).toBeLessThan(800);
    expect(Date.now() - started).toBeLessThan(1_000);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/slow",status_code="aborted"\} 1/);
  });

  it('carries one trace across two services through traceparent on fetch', async () => {
    const downstream = await start(tracingEnv(receiver, { OTEL_SERVICE_NAME: 'downstream' }));
    const upstream = await start(tracingEnv(receiver, { OTEL_SERVICE_NAME: 'upstream', DOWNSTREAM_URL: downstream.url }));
    const response = await fetch(`${upstream.url}/outbound`);
    const traceId = response.headers.get('x-trace-id')!;

    const remote = await receiver.waitForSpan(
      (span) => span.traceId === traceId && span.resource['service.name'] === 'downstream' && span.kind === OTLP_KIND.SERVER,
    );
    const client = await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === OTLP_KIND.CLIENT);
    expect(client.resource['service.name']).toBe('upstream');
    expect(remote.parentSpanId).toBe(client.spanId);
    expect(remote.name).toBe('GET /items/:id');
    expect(((await response.json()) as { traceId: string }).traceId).toBe(traceId);
  });

  it('prints the console tree when a request ends, not a batch later, and an app calling itself as one block', async () => {
    const port = await freePort();
    const app = await start({
      NODE_ENV: 'test',
      PORT: String(port),
      ENABLE_TRACING: 'true',
      TRACING_EXPORTER: 'console',
      OTEL_SERVICE_NAME: 'fixture',
      // A batch would hold the spans past the end of the test.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      DOWNSTREAM_URL: `http://127.0.0.1:${port}`,
    });
    const response = await fetch(`${app.url}/outbound`);
    const traceId = response.headers.get('x-trace-id')!;
    expect(response.status).toBe(200);
    await waitUntil(() => (app.output().includes(`trace ${traceId}`) ? true : undefined));
    const block = app.output().slice(app.output().indexOf(`trace ${traceId}`));
    expect(app.output().split(`trace ${traceId}`)).toHaveLength(2);
    expect(block).toMatch(/\n {2}GET \/outbound +server.*\n(?: {4}.*\n)* {4}GET +client.*\n {6}GET \/items\/:id +server/);
  });

  it("keeps an unsampled caller's decision downstream: the downstream service records nothing either", async () => {
    const downstream = await start(tracingEnv(receiver, { OTEL_SERVICE_NAME: 'downstream', TRACING_SAMPLE_RATE: '1' }));
    const upstream = await start(tracingEnv(receiver, { OTEL_SERVICE_NAME: 'upstream', DOWNSTREAM_URL: downstream.url, TRACING_SAMPLE_RATE: '0' }));
    const response = await fetch(`${upstream.url}/outbound`);
    expect(response.headers.get('x-trace-id')).toBeNull();
    // Without the propagated unsampled flag the downstream service would start and sample its own trace.
    expect(((await response.json()) as { traceId?: string }).traceId).toMatch(/^[0-9a-f]{32}$/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.spans).toEqual([]);
  });

  it('propagates with the OTEL_PROPAGATORS the services agree on (b3multi, no traceparent)', async () => {
    const b3 = { OTEL_PROPAGATORS: 'b3multi' };
    const downstream = await start(tracingEnv(receiver, { ...b3, OTEL_SERVICE_NAME: 'downstream' }));
    const upstream = await start(tracingEnv(receiver, { ...b3, OTEL_SERVICE_NAME: 'upstream', DOWNSTREAM_URL: downstream.url }));
    const traceId = (await fetch(`${upstream.url}/outbound`)).headers.get('x-trace-id')!;

    const remote = await receiver.waitForSpan((span) => span.traceId === traceId && span.resource['service.name'] === 'downstream');
    expect(remote.traceId).toBe(traceId);
  });

  it('applies OTEL_BSP_MAX_EXPORT_BATCH_SIZE', async () => {
    const app = await start(tracingEnv(receiver, { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2', OTEL_BSP_SCHEDULE_DELAY: '20' }));
    for (let index = 0; index < 3; index++) await fetch(`${app.url}/items/${index}`);
    await receiver.waitFor(() => (receiver.spans.length >= 6 ? true : undefined));
    expect(Math.max(...receiver.batchSizes)).toBe(2);
  });

  it('with ENABLE_TRACING=false serves requests and exports nothing', async () => {
    const app = await start(tracingEnv(receiver, { ENABLE_TRACING: 'false' }));
    const response = await fetch(`${app.url}/items/1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-trace-id')).toBeNull();
    expect(await response.json()).toEqual({ id: '1' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests).toBe(0);
  });

  it.each([
    [{ TRACING_EXPORTER: 'datadog' }, 'Invalid TRACING_EXPORTER="datadog": allowed values are console, jaeger, zipkin, otlp, none'],
    [{ TRACING_SAMPLE_RATE: '2' }, 'Invalid TRACING_SAMPLE_RATE="2": expected a number from 0 to 1'],
    [{ JAEGER_ENDPOINT: 'http://localhost:14268/api/traces' }, 'use its OTLP/HTTP receiver, e.g. http://localhost:4318/v1/traces'],
    [{ TRACING_CONFIG_FILE: 'no-such-options.mjs' }, 'Invalid TRACING_CONFIG_FILE="no-such-options.mjs": no such file'],
    [{ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,mysql3' }, 'Invalid OTEL_NODE_ENABLED_INSTRUMENTATIONS="http,mysql3": allowed values are'],
  ])('stops before listening on %o, exit 1, one line naming the variable', async (bad, message) => {
    const run = spawnWithPreload(FIXTURE, { ...tracingEnv(receiver), ...bad });
    expect(await run.exited).toBe(1);
    const lines = run.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(run.output()).not.toContain('listening');
  });

  it('keeps serving while the backend hangs, and shutdown still ends within its deadline', async () => {
    receiver.mode = 'hang';
    const app = await start(tracingEnv(receiver, { OTEL_BSP_EXPORT_TIMEOUT: '30000', OTEL_EXPORTER_OTLP_TIMEOUT: '30000', SHUTDOWN_TIMEOUT_MS: '500' }));
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, index) => fetch(`${app.url}/items/${index}`).then((response) => response.status)));
    expect(statuses).toEqual(Array(20).fill(200));
    await receiver.waitFor(() => (receiver.requests > 0 ? true : undefined));

    const stoppedAt = Date.now();
    await app.stop('SIGTERM');
    // The exporter would wait 30 s for the hanging backend; the 500 ms deadline ends the app's flush
    // and then the preload's shutdown, instead of the 5 s default.
    expect(Date.now() - stoppedAt).toBeLessThan(4_000);
  });

  it('flushes pending spans on SIGTERM', async () => {
    const app = await start(tracingEnv(receiver, { OTEL_BSP_SCHEDULE_DELAY: '60000' }));
    const traceId = (await fetch(`${app.url}/items/7`)).headers.get('x-trace-id');
    expect(receiver.spans).toHaveLength(0);
    await app.stop('SIGTERM');
    expect(
      inTrace(traceId!)
        .map((span) => span.name)
        .sort(),
    ).toEqual(['GET /items/:id', 'ItemsService.find']);
  });

  it('writes the trace ids into pino’s lines (the default set’s pino instrumentation)', async () => {
    const run = spawnWithPreload(PINO_JOB, tracingEnv(receiver));
    expect(await run.exited).toBe(0);
    const job = await receiver.waitForSpan((span) => span.name === 'pino-job');
    const line = run
      .output()
      .split('\n')
      .find((text) => text.includes('inside the job'));
    expect(JSON.parse(line!)).toMatchObject({ msg: 'inside the job', trace_id: job.traceId, span_id: job.spanId, trace_flags: '01' });
  });

  it('flushes a plain script when its event loop empties', async () => {
    const run = spawnWithPreload(JOB, tracingEnv(receiver, { OTEL_BSP_SCHEDULE_DELAY: '60000' }));
    expect(await run.exited).toBe(0);
    expect(receiver.spans.map((span) => span.name)).toEqual(['nightly-report']);
  });

  it('on SIGTERM to a process that does not handle it, flushes and then ends by the signal', async () => {
    const run = spawnWithPreload(JOB, tracingEnv(receiver, { OTEL_BSP_SCHEDULE_DELAY: '60000', KEEP_RUNNING: 'true' }));
    await receiver.waitFor(() => (run.output().includes('job done') ? true : undefined));
    expect(receiver.spans).toHaveLength(0);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe('SIGTERM');
    expect(receiver.spans.map((span) => span.name)).toEqual(['nightly-report']);
  });

  it('shows the SDK diagnostic log with OTEL_LOG_LEVEL=debug', async () => {
    const app = await start(tracingEnv(receiver, { OTEL_LOG_LEVEL: 'debug' }));
    await fetch(`${app.url}/items/1`);
    await receiver.waitFor(() => (receiver.spans.length >= 2 ? true : undefined));
    expect(app.output()).toMatch(/@opentelemetry\/instrumentation-http/);
  });

  it('exports the trace of a request to Zipkin, in the v2 format', async () => {
    const app = await start(tracingEnv(receiver, { TRACING_EXPORTER: 'zipkin', ZIPKIN_ENDPOINT: receiver.url('/api/v2/spans') }));
    const traceId = (await fetch(`${app.url}/items/3`)).headers.get('x-trace-id');
    const server = await receiver.waitFor(() => receiver.zipkinSpans.find((span) => span.kind === 'SERVER'));
    expect(server).toMatchObject({ traceId, name: 'GET /items/:id', localEndpoint: { serviceName: 'fixture' } });
    expect(Number.isInteger(server.timestamp)).toBe(true);
  });
});
