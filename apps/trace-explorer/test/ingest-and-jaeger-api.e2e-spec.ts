import { freePort } from '@app/test-support';
import { request as httpRequest } from 'node:http';
import { createConnection } from 'node:net';
import { gzipSync } from 'node:zlib';

import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { type ExplorerProcess, spawnExplorer, startExplorer } from './support/explorer-process.js';
import { encodeLogs, encodeTraces, makeTelemetry } from './support/telemetry-factory.js';

/**
 * The built explorer over HTTP: OTLP in, Jaeger's query API out. The response shapes are checked
 * key by key against Jaeger's `uimodel` (cmd/query's JSON), which Jaeger's UI and Grafana read.
 */

const VALUE_TYPES: Record<string, string> = { string: 'string', bool: 'boolean', int64: 'number', float64: 'number', binary: 'string' };

function expectKeyValue(tag: Record<string, unknown>): void {
  expect(Object.keys(tag).sort()).toEqual(['key', 'type', 'value']);
  expect(typeof tag.key).toBe('string');
  expect(typeof tag.value).toBe(VALUE_TYPES[tag.type as string]);
}

function expectJaegerResponse(body: Record<string, unknown>): void {
  expect(Object.keys(body).sort()).toEqual(['data', 'errors', 'limit', 'offset', 'total']);
}

function expectJaegerTrace(trace: Record<string, unknown>): void {
  expect(Object.keys(trace).sort()).toEqual(['processes', 'spans', 'traceID', 'warnings']);
  expect(trace.traceID).toMatch(/^[0-9a-f]{32}$/);
  for (const span of trace.spans as Record<string, unknown>[]) {
    expect(Object.keys(span).sort()).toEqual([
      'duration',
      'logs',
      'operationName',
      'processID',
      'references',
      'spanID',
      'startTime',
      'tags',
      'traceID',
      'warnings',
    ]);
    expect(span.spanID).toMatch(/^[0-9a-f]{16}$/);
    expect(Number.isInteger(span.startTime) && Number.isInteger(span.duration)).toBe(true);
    for (const reference of span.references as Record<string, unknown>[]) {
      expect(Object.keys(reference).sort()).toEqual(['refType', 'spanID', 'traceID']);
      expect(['CHILD_OF', 'FOLLOWS_FROM']).toContain(reference.refType);
    }
    (span.tags as Record<string, unknown>[]).forEach(expectKeyValue);
    for (const log of span.logs as { timestamp: number; fields: Record<string, unknown>[] }[]) {
      expect(Object.keys(log).sort()).toEqual(['fields', 'timestamp']);
      log.fields.forEach(expectKeyValue);
    }
    expect((trace.processes as Record<string, unknown>)[span.processID as string]).toBeDefined();
  }
  for (const process of Object.values(trace.processes as Record<string, Record<string, unknown>>)) {
    expect(Object.keys(process).sort()).toEqual(['serviceName', 'tags']);
    (process.tags as Record<string, unknown>[]).forEach(expectKeyValue);
  }
}

describe('the trace explorer over HTTP', () => {
  let explorer: ExplorerProcess;
  const telemetry = makeTelemetry('users-api');
  const downstream = makeTelemetry('email-service');
  const traceId = telemetry.spans[1].spanContext().traceId;

  const post = (path: string, body: Buffer | string, headers: Record<string, string>) => fetch(`${explorer.url}${path}`, { method: 'POST', body, headers });
  const get = async (path: string) => {
    const response = await fetch(`${explorer.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { data: unknown } };
  };

  beforeAll(async () => {
    explorer = await startExplorer({ TRACE_EXPLORER_PORT: String(await freePort()), TRACE_EXPLORER_MAX_BODY_MB: '1' });
    expect((await post('/v1/traces', encodeTraces.protobuf(telemetry.spans), { 'content-type': 'application/x-protobuf' })).status).toBe(200);
    expect(
      (await post('/v1/traces', gzipSync(encodeTraces.json(downstream.spans)), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status,
    ).toBe(200);
    expect((await post('/v1/logs', encodeLogs.protobuf(telemetry.logs), { 'content-type': 'application/x-protobuf' })).status).toBe(200);
  });
  afterAll(() => explorer?.stop());

  it('answers /api/services and the two operations endpoints', async () => {
    const services = await get('/api/services');
    expectJaegerResponse(services.body);
    expect(services.body).toEqual({ data: ['email-service', 'users-api'], total: 2, limit: 0, offset: 0, errors: null });
    expect((await get('/api/services/users-api/operations')).body.data).toEqual(['INSERT test.users', 'POST /users']);
    expect((await get('/api/operations?service=users-api&spanKind=server')).body.data).toEqual([{ name: 'POST /users', spanKind: 'server' }]);
  });

  it("answers /api/traces/{traceID} in Jaeger's trace shape, and 404 in its error shape", async () => {
    const { status, body } = await get(`/api/traces/${traceId}`);
    expect(status).toBe(200);
    expectJaegerResponse(body);
    const [trace] = body.data as Record<string, unknown>[];
    expectJaegerTrace(trace);
    const spans = trace.spans as {
      spanID: string;
      operationName: string;
      references: unknown[];
      tags: { key: string; value: unknown }[];
      logs: { fields: { key: string; value: unknown }[] }[];
    }[];
    const server = spans.find((span) => span.operationName === 'POST /users')!;
    const query = spans.find((span) => span.operationName === 'INSERT test.users')!;
    // Its link points at its parent: as in Jaeger, the one reference becomes FOLLOWS_FROM.
    expect(query.references).toEqual([{ refType: 'FOLLOWS_FROM', traceID: traceId, spanID: server.spanID }]);
    expect(query.tags).toEqual(
      expect.arrayContaining([
        { key: 'db.system.name', type: 'string', value: 'postgresql' },
        { key: 'span.kind', type: 'string', value: 'client' },
        { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        { key: 'error', type: 'bool', value: true },
        { key: 'otel.status_description', type: 'string', value: 'value too long' },
        { key: 'otel.scope.name', type: 'string', value: 'explorer-test' },
      ]),
    );
    expect(query.logs[0].fields).toEqual(
      expect.arrayContaining([
        { key: 'event', type: 'string', value: 'exception' },
        { key: 'exception.type', type: 'string', value: 'TypeError' },
      ]),
    );
    expect(server.tags).toEqual(
      expect.arrayContaining([
        { key: 'http.response.status_code', type: 'int64', value: 500 },
        { key: 'ratio', type: 'float64', value: 0.25 },
        { key: 'tags', type: 'string', value: '["a","b"]' },
      ]),
    );
    expect((trace.processes as Record<string, unknown>).p1).toEqual({
      serviceName: 'users-api',
      tags: [
        { key: 'deployment.environment.name', type: 'string', value: 'test' },
        { key: 'service.version', type: 'string', value: '1.2.3' },
      ],
    });

    const missing = await get(`/api/traces/${'f'.repeat(32)}`);
    expect(missing).toEqual({ status: 404, body: { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] } });
  });

  it('searches /api/traces by service, operation, tags, duration and time, and refuses bad parameters with 400', async () => {
    const found = async (query: string) => ((await get(`/api/traces?${query}`)).body.data as { traceID: string }[]).map((trace) => trace.traceID);
    const otherId = downstream.spans[0].spanContext().traceId;
    expect(await found('service=users-api')).toEqual([traceId]);
    expect(await found('service=email-service&operation=INSERT%20test.users')).toEqual([otherId]);
    expect(await found(`service=users-api&tags=${encodeURIComponent('{"error":"true","db.system.name":"postgresql"}')}`)).toEqual([traceId]);
    expect(await found('service=users-api&tag=http.response.status_code:200')).toEqual([]);
    expect(await found('service=users-api&minDuration=1h')).toEqual([]);
    expect(await found(`service=users-api&start=0&end=${Date.now() * 1000}&limit=1`)).toEqual([traceId]);
    expect(await found(`traceID=${traceId}&traceID=${otherId}`)).toEqual([traceId, otherId]);
    const refused = await get('/api/traces?operation=x');
    expect(refused).toEqual({
      status: 400,
      body: { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 400, msg: "parameter 'service' is required" }] },
    });
  });

  it('answers /api/dependencies with a count per parent and child service', async () => {
    const { body } = await get(`/api/dependencies?endTs=${Date.now() + 60_000}&lookback=3600000`);
    expectJaegerResponse(body);
    expect(body.data).toHaveLength(2);
    expect(body.data).toEqual(
      expect.arrayContaining([
        { parent: 'users-api', child: 'users-api', callCount: 1 },
        { parent: 'email-service', child: 'email-service', callCount: 1 },
      ]),
    );
  });

  it("refuses a body it cannot decode (400, the reason in the request's encoding), too large (413) or of another type (415), and keeps serving", async () => {
    const garbage = await post('/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), { 'content-type': 'application/x-protobuf' });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toBe('application/x-protobuf');
    expect(Buffer.from(await garbage.arrayBuffer()).toString('latin1')).toContain(
      'cannot decode the OTLP protobuf body: length runs past the end of its message',
    );
    const json = await post('/v1/logs', '{"resourceLogs": {}}', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ message: 'cannot decode the OTLP json body: resourceLogs must be an array' });
    expect((await post('/v1/traces', Buffer.alloc(2 * 1024 * 1024), { 'content-type': 'application/x-protobuf' })).status).toBe(413);
    // A gzip bomb: small on the wire, past the limit once inflated.
    expect(
      (await post('/v1/traces', gzipSync(Buffer.alloc(8 * 1024 * 1024)), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' })).status,
    ).toBe(413);
    expect((await post('/v1/traces', 'hello', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await get('/api/services')).status).toBe(200);
  });

  it("answers the pages' own API, and refuses a bad filter with 400 naming it", async () => {
    const list = await get('/api/explorer/traces?errors=true&service=users-api&attr=http.route%3D%2Fusers');
    expect(list.status).toBe(200);
    expect((list.body as unknown as { traces: { traceId: string; rootName: string; errorCount: number }[] }).traces).toEqual([
      expect.objectContaining({ traceId, rootName: 'POST /users', errorCount: 2 }),
    ]);
    const detail = await get(`/api/explorer/traces/${traceId}`);
    expect(detail.body).toMatchObject({ summary: { traceId }, logs: [{ body: 'could not create user' }] });
    expect((detail.body as unknown as { spans: { name: string }[] }).spans.map((span) => span.name).sort()).toEqual(['INSERT test.users', 'POST /users']);
    for (const [query, message] of [
      ['minMs=soon', 'minMs must be a number of milliseconds'],
      ['attr=novalue', 'attr must be key=value'],
      ['traceId=xyz', 'traceId must be 1 to 32 hex digits'],
      ['limit=-1', 'limit must be a whole number up to 9999'],
    ]) {
      const refused = await get(`/api/explorer/traces?${query}`);
      expect(refused).toMatchObject({ status: 400, body: { message } });
    }
    expect((await get(`/api/explorer/traces/${'e'.repeat(32)}`)).status).toBe(404);
  });

  it('shows its pages with a policy that lets no script but its own run', async () => {
    for (const path of ['/', `/trace/${traceId}`, '/map']) {
      const response = await fetch(`${explorer.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<script type="module" src="/assets/main.js">');
    }
    expect((await fetch(`${explorer.url}/assets/main.js`)).status).toBe(200);
  });

  it('listens on loopback only, unless told otherwise', async () => {
    const port = Number(new URL(explorer.url).port);
    // 127.0.0.2 is the loopback interface too, but not the address the socket is bound to.
    const connects = (host: string) =>
      new Promise<boolean>((done) =>
        createConnection({ host, port })
          .once('connect', function (this: import('node:net').Socket) {
            this.destroy();
            done(true);
          })
          .once('error', () => done(false)),
      );
    expect(await connects('127.0.0.1')).toBe(true);
    expect(await connects('127.0.0.2')).toBe(false);
  });

  it('answers only requests that name it by a loopback host: a DNS-rebound page gets 403 for pages, API and ingest', async () => {
    const { port } = new URL(explorer.url);
    const send = (host: string, method: string, path: string, body?: Buffer) =>
      new Promise<number>((done, fail) => {
        const request = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host, 'content-type': 'application/x-protobuf' } }, (response) => {
          response.resume();
          done(response.statusCode!);
        });
        request.once('error', fail).end(body);
      });
    const rebound = `evil.example:${port}`;
    expect(await send(rebound, 'GET', '/')).toBe(403);
    expect(await send(rebound, 'GET', `/api/traces/${traceId}`)).toBe(403);
    expect(await send(rebound, 'GET', '/api/explorer/traces')).toBe(403);
    expect(await send(rebound, 'POST', '/v1/traces', Buffer.from(encodeTraces.protobuf(telemetry.spans)))).toBe(403);
    expect(await send(`localhost:${port}`, 'GET', `/api/traces/${traceId}`)).toBe(200);
    expect(await send(`127.0.0.1:${port}`, 'GET', '/')).toBe(200);
    expect(await send(`[::1]:${port}`, 'GET', '/')).toBe(200);
  });

  it('answers a host named in TRACE_EXPLORER_ALLOWED_HOSTS', async () => {
    const allowed = await startExplorer({ TRACE_EXPLORER_PORT: String(await freePort()), TRACE_EXPLORER_ALLOWED_HOSTS: 'traces.internal, other.internal' });
    try {
      const { port } = new URL(allowed.url);
      const status = (host: string) =>
        new Promise<number>((done, fail) => {
          httpRequest({ host: '127.0.0.1', port, path: '/', headers: { host } }, (response) => {
            response.resume();
            done(response.statusCode!);
          })
            .once('error', fail)
            .end();
        });
      expect(await status(`traces.internal:${port}`)).toBe(200);
      expect(await status(`evil.example:${port}`)).toBe(403);
    } finally {
      await allowed.stop();
    }
  });

  it('refuses to start with the tracing preload, which would make it trace its own ingest', async () => {
    const started = spawnExplorer({ TRACE_EXPLORER_PORT: String(await freePort()), NODE_OPTIONS: '--import nestjs-tracing/register', ENABLE_TRACING: 'true' });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('[trace-explorer] Invalid NODE_OPTIONS="nestjs-tracing/register": the explorer runs without the tracing preload');
  });

  it('stops at startup with one line naming a wrong setting', async () => {
    const started = spawnExplorer({ TRACE_EXPLORER_PORT: 'eighty' });
    expect(await started.exited).toBe(1);
    expect(started.output().trim()).toBe('[trace-explorer] Invalid TRACE_EXPLORER_PORT="eighty": expected an integer from 0 to 65535');
  });
});

/** The span under another id: everything else read through it, as the serializer reads a span. */
function withSpanId(span: ReadableSpan, spanId: string): ReadableSpan {
  return Object.create(span, { spanContext: { value: () => ({ ...span.spanContext(), spanId }) } }) as ReadableSpan;
}

describe("the trace explorer's memory budget", () => {
  it('evicts the oldest traces past TRACE_EXPLORER_MEMORY_MB, counts them, and keeps answering', async () => {
    const explorer = await startExplorer({ TRACE_EXPLORER_PORT: String(await freePort()), TRACE_EXPLORER_MEMORY_MB: '1' });
    try {
      for (let round = 0; round < 60; round++) {
        const { spans } = makeTelemetry(`service-${round}`);
        // 100 copies of the trace's two spans, each under an id of its own: the explorer keeps a resent span once.
        const copies = Array.from({ length: 100 }, (_, copy) =>
          spans.map((span) => withSpanId(span, `${copy.toString(16).padStart(4, '0')}${span.spanContext().spanId.slice(4)}`)),
        ).flat();
        const response = await fetch(`${explorer.url}/v1/traces`, {
          method: 'POST',
          body: encodeTraces.protobuf(copies),
          headers: { 'content-type': 'application/x-protobuf' },
        });
        expect(response.status).toBe(200);
      }
      const stats = (await (await fetch(`${explorer.url}/api/explorer/stats`)).json()) as {
        estimatedBytes: number;
        memoryBudgetBytes: number;
        evicted: { traces: number; spans: number };
      };
      expect(stats.memoryBudgetBytes).toBe(1024 * 1024);
      expect(stats.estimatedBytes).toBeLessThanOrEqual(stats.memoryBudgetBytes);
      expect(stats.evicted.traces).toBeGreaterThan(0);
      expect(stats.evicted.spans).toBe(stats.evicted.traces * 200);
    } finally {
      await explorer.stop();
    }
  });
});
