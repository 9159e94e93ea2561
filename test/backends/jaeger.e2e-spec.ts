import request from 'supertest';
import type { PreloadedProcess } from '@app/test-support';
import { query } from '../../apps/users-api/test/support/sample-system.js';
import { type Jaeger, startJaeger } from './support/backends.js';
import { startTracedSampleSystem, type TracedSampleSystem } from './support/sample-system.js';

interface JaegerTag {
  key: string;
  value: unknown;
}
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  duration: number;
  tags: JaegerTag[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const tag = (span: JaegerSpan, key: string) => span.tags.find((candidate) => candidate.key === key)?.value;

/** The sample system exporting with `TRACING_EXPORTER=jaeger` to a real Jaeger v2, read back through Jaeger's query API. */
describe('TRACING_EXPORTER=jaeger against Jaeger v2', () => {
  let jaeger: Jaeger;
  let system: TracedSampleSystem;
  let api: PreloadedProcess;
  let databaseUrl: string;

  beforeAll(async () => {
    jaeger = await startJaeger();
    system = await startTracedSampleSystem({ TRACING_EXPORTER: 'jaeger', JAEGER_ENDPOINT: jaeger.otlpHttpUrl }, { EMAIL_LATENCY_MS: '300' });
    ({ api, databaseUrl } = system);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await jaeger?.stop();
  });

  const api$ = (path: string) => fetch(`${jaeger.queryUrl}${path}`).then((response) => response.json() as Promise<{ data: JaegerTrace[] | string[] | null }>);

  async function traceWhen(traceId: string, complete: (trace: JaegerTrace) => boolean): Promise<JaegerTrace> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { data } = await api$(`/api/traces/${traceId}`);
      const trace = (data as JaegerTrace[] | null)?.[0];
      if (trace && complete(trace)) return trace;
      if (Date.now() > deadline) throw new Error(`trace ${traceId} incomplete in Jaeger: ${JSON.stringify(trace?.spans.map((span) => span.operationName))}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }

  async function search(parameters: Record<string, string>): Promise<string[]> {
    const { data } = await api$(`/api/traces?${new URLSearchParams({ lookback: '1h', limit: '100', ...parameters })}`);
    return ((data as JaegerTrace[] | null) ?? []).map((trace) => trace.traceID);
  }

  it('holds the whole POST /users trace: both services, parent links, kinds, the pg spans and the outbox dispatch', async () => {
    const signup = await request(api.url).post('/users').send({ email: 'jaeger@example.com', name: 'Jaeger', password: 'jaeger-password-1' }).expect(201);
    const traceId = signup.headers['x-trace-id'];
    // A parent ends after its children and may come in a later batch: wait for every parent too.
    const trace = await traceWhen(traceId, (candidate) => {
      const ids = new Set(candidate.spans.map((span) => span.spanID));
      const parentsPresent = candidate.spans.every((span) => span.references.every((reference) => ids.has(reference.spanID)));
      return parentsPresent && candidate.spans.some((span) => span.operationName === 'POST /emails');
    });

    const services = (span: JaegerSpan) => trace.processes[span.processID].serviceName;
    expect(new Set(trace.spans.map(services))).toEqual(new Set(['users-api', 'email-service']));
    const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
    const parentOf = (span: JaegerSpan) => byId.get(span.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID ?? '');
    const roots = trace.spans.filter((span) => span.references.length === 0);
    expect(roots.map((span) => span.operationName)).toEqual(['POST /users']);
    for (const span of trace.spans) if (span !== roots[0]) expect(parentOf(span)).toBeDefined();

    const named = (name: string) => trace.spans.find((span) => span.operationName === name)!;
    expect(tag(roots[0], 'span.kind')).toBe('server');
    expect(tag(roots[0], 'http.route')).toBe('/users');
    const dispatch = named('outbox.dispatch welcome_email');
    expect(tag(dispatch, 'span.kind')).toBe('producer');
    let ancestor = parentOf(dispatch);
    while (ancestor && ancestor !== roots[0]) ancestor = parentOf(ancestor);
    expect(ancestor).toBe(roots[0]);

    const pg = trace.spans.filter((span) => tag(span, 'db.system.name') === 'postgresql' && tag(span, 'span.kind') === 'client');
    expect(pg.some((span) => String(tag(span, 'db.query.text')).startsWith('INSERT INTO "users"'))).toBe(true);
    expect(pg.some((span) => String(tag(span, 'db.query.text')).startsWith('INSERT INTO "outbox_messages"'))).toBe(true);

    const delivery = named('POST /emails');
    expect(services(delivery)).toBe('email-service');
    expect(tag(delivery, 'span.kind')).toBe('server');
    expect(tag(parentOf(delivery)!, 'span.kind')).toBe('client');
    expect(services(parentOf(delivery)!)).toBe('users-api');
  });

  it('lists the services and operations, and finds traces by service, operation, tags and duration', async () => {
    const signup = await request(api.url).post('/users').send({ email: 'search@example.com', name: 'Search', password: 'jaeger-password-1' }).expect(201);
    const traceId: string = signup.headers['x-trace-id'];
    await traceWhen(traceId, (trace) => trace.spans.some((span) => span.operationName === 'POST /emails'));

    await query(databaseUrl, "ALTER TABLE users ADD CONSTRAINT users_name_allowed CHECK (name <> 'Refused')");
    const failed = await request(api.url).post('/users').send({ email: 'fail@example.com', name: 'Refused', password: 'jaeger-password-1' }).expect(500);
    await query(databaseUrl, 'ALTER TABLE users DROP CONSTRAINT users_name_allowed');
    const failedId: string = failed.headers['x-trace-id'];
    await traceWhen(failedId, (trace) => trace.spans.some((span) => span.operationName === 'POST /users'));

    const { data: services } = await api$('/api/services');
    expect(services).toEqual(expect.arrayContaining(['users-api', 'email-service']));
    const { data: operations } = await api$('/api/services/users-api/operations');
    expect(operations).toEqual(expect.arrayContaining(['POST /users', 'UsersService.create', 'outbox.dispatch welcome_email']));

    expect(await search({ service: 'users-api', operation: 'POST /users' })).toEqual(expect.arrayContaining([traceId, failedId]));
    const failedTrace = await traceWhen(failedId, () => true);
    const failedServer = failedTrace.spans.find((span) => span.operationName === 'POST /users')!;
    expect(tag(failedServer, 'error')).toBe(true);
    expect(tag(failedServer, 'otel.status_code')).toBe('ERROR');
    expect(await search({ service: 'users-api', tags: JSON.stringify({ 'http.response.status_code': '500' }) })).toEqual([failedId]);
    // email-service sleeps EMAIL_LATENCY_MS=300 in every delivery.
    expect(await search({ service: 'email-service', operation: 'POST /emails', minDuration: '250ms' })).toEqual(expect.arrayContaining([traceId]));
    expect(await search({ service: 'email-service', operation: 'POST /emails', minDuration: '5s' })).toEqual([]);
  });

  /**
   * Jaeger's own bug, kept visible: its memory store reads the `error` search tag as a boolean, but
   * the HTTP query API hands every tag over as a string, so `error=true` matches no error span.
   * This test fails (and `.failing` then reports it) once Jaeger fixes it.
   */
  it.failing('finds error traces by the error=true tag (fails in Jaeger v1.76.0 with memory storage)', async () => {
    await query(databaseUrl, "ALTER TABLE users ADD CONSTRAINT users_name_allowed CHECK (name <> 'Refused')");
    const failed = await request(api.url).post('/users').send({ email: 'fail-2@example.com', name: 'Refused', password: 'jaeger-password-1' }).expect(500);
    await query(databaseUrl, 'ALTER TABLE users DROP CONSTRAINT users_name_allowed');
    await traceWhen(failed.headers['x-trace-id'], (trace) => trace.spans.some((span) => span.operationName === 'POST /users'));
    expect(await search({ service: 'users-api', tags: JSON.stringify({ error: 'true' }) })).toContain(failed.headers['x-trace-id']);
  });
});
