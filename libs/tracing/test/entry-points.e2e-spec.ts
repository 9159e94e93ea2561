import { resolve } from 'node:path';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { DecodedSpan } from '@app/test-support';
import { type PreloadedProcess, startWithPreload, TraceReceiver } from '@app/test-support';

/**
 * Every way work enters a Nest app besides an HTTP controller, in real processes started with the
 * preload: GraphQL (Apollo on Express, Mercurius on Fastify), WebSockets (`ws`, socket.io),
 * scheduled jobs, event listeners, an upload route, and Nest's own logger.
 */
const APPS = resolve('libs/tracing/test/entry-points/dist');
const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, CONSUMER: 5 };
const ERROR = 2;
/** A remote parent a client sends when it opens a WebSocket. */
const OPENER = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const OPENER_HEADER = `00-${OPENER.traceId}-${OPENER.spanId}-01`;
const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;

function env(receiver: TraceReceiver): Record<string, string> {
  return { NODE_ENV: 'test', PORT: '0', ...receiver.exportEnv(), OTEL_SERVICE_NAME: 'entry-points', OTEL_BSP_SCHEDULE_DELAY: '50' };
}

interface GraphQLResponse {
  data?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: { message: string }[];
}

async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; traceId: string | null; body: GraphQLResponse }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, traceId: response.headers.get('x-trace-id'), body: (await response.json()) as GraphQLResponse };
}

describe.each([
  ['apollo', 'Apollo on Express'],
  ['mercurius', 'Mercurius on Fastify'],
])('an app with %s (%s), started with the preload', (app) => {
  let receiver: TraceReceiver;
  let started: PreloadedProcess;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    started = await startWithPreload(resolve(APPS, `${app}.js`), env(receiver));
  });
  afterAll(async () => {
    await started?.stop('SIGTERM');
    await receiver?.close();
  });

  const inTrace = (traceId: string | null) => receiver.spans.filter((span) => span.traceId === traceId);
  const named = (traceId: string | null, name: string) => receiver.waitForSpan((span) => span.traceId === traceId && span.name === name);

  describe('GraphQL', () => {
    it('names the operation span as the conventions say, under the HTTP span, with the resolver and its calls beneath', async () => {
      const { traceId, body } = await graphql(started.url, 'query GetUser { user(id: "7") { id name } }');
      expect(body).toEqual({ data: { user: { id: '7', name: 'user 7' } } });

      const operation = await named(traceId, 'query GetUser');
      const resolver = await named(traceId, 'UsersResolver.user');
      const call = await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === KIND.CLIENT);
      const server = await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === KIND.SERVER && span.name === 'POST /graphql');
      expect(operation.parentSpanId).toBe(server.spanId);
      expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'GetUser' });
      expect(operation.attributes['graphql.source']).toBe('query GetUser { user(id: "*") { id name } }');
      expect(resolver.parentSpanId).toBe(operation.spanId);
      expect(resolver.attributes).toMatchObject({ 'code.function.name': 'UsersResolver.user', 'graphql.field.path': 'user', 'graphql.parent.name': 'Query' });
      expect(call.parentSpanId).toBe(resolver.spanId);
      // No span for the fields resolved by default (`id`, `name`).
      await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'GET /items/:id');
      expect(
        inTrace(traceId)
          .map((span) => span.name)
          .sort(),
      ).toEqual(['GET', 'GET /items/:id', 'POST /graphql', 'UsersResolver.user', 'graphql.parse', 'graphql.validate', 'query GetUser'].sort());
    });

    if (app === 'apollo') {
      it('gives a field resolver under a list of 1000 items one span, not 1000', async () => {
        const { traceId, body } = await graphql(started.url, 'query Many { users(count: 1000) { id posts { title } } }');
        expect(body.data?.users).toHaveLength(1000);
        const posts = await named(traceId, 'UsersResolver.posts');
        await named(traceId, 'query Many');
        await new Promise((done) => setTimeout(done, 300));
        expect(posts.attributes).toMatchObject({ 'graphql.field.path': 'users.*.posts', 'graphql.parent.name': 'User' });
        expect(inTrace(traceId).filter((span) => span.name === 'UsersResolver.posts')).toHaveLength(1);
        expect(inTrace(traceId).length).toBeLessThan(10);
      });
    }

    it('marks the operation and the resolver as errors when a resolver fails, though HTTP says 200', async () => {
      const { status, traceId, body } = await graphql(started.url, '{ broken { id } }');
      expect(status).toBe(200);
      expect(body.errors?.[0].message).toBe('the broken resolver failed');
      const operation = await named(traceId, 'query');
      const resolver = await named(traceId, 'UsersResolver.broken');
      const server = await named(traceId, 'POST /graphql');
      expect(operation.status.code).toBe(ERROR);
      expect(resolver.status.code).toBe(ERROR);
      expect(resolver.events[0].attributes).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'the broken resolver failed' });
      expect(server.status.code).not.toBe(ERROR);
      expect(server.attributes['http.response.status_code']).toBe(200);
    });

    it('never lets a password in a mutation reach a span: not as a literal, a variable, or in an error message', async () => {
      const asLiteral = await graphql(started.url, 'mutation Login { login(email: "ada@example.com", password: "hunter2") }');
      expect(asLiteral.body.errors?.[0].message).toBe('wrong password for ada@example.com');
      const asVariable = await graphql(started.url, 'mutation Login($password: String!) { login(email: "ada@example.com", password: $password) }', {
        password: 'hunter2',
      });
      const mistyped = await graphql(started.url, 'query Mistyped { users(count: "hunter2") { id } }');
      expect(JSON.stringify(mistyped.body)).toContain('hunter2');
      const invalidVariable = await graphql(started.url, 'query Bad($count: Int!) { users(count: $count) { id } }', { count: 'hunter2' });

      const login = await named(asLiteral.traceId, 'mutation Login');
      // The instrumentation prints the document without its commas.
      expect(login.attributes['graphql.source']).toBe('mutation Login { login(email: "*"  password: "*") }');
      // A wrong password is the client's error: recorded on the resolver, not an ERROR.
      expect(login.status.code).not.toBe(ERROR);
      const resolver = await named(asLiteral.traceId, 'UsersResolver.login');
      expect(resolver.events[0].attributes['exception.type']).toBe('UnauthorizedException');
      await named(asVariable.traceId, 'UsersResolver.login');
      await named(mistyped.traceId, 'graphql.validate');
      await receiver.waitForSpan((span) => span.traceId === invalidVariable.traceId && span.kind === KIND.SERVER);
      // A variable of the wrong type is the client's error too.
      expect(inTrace(invalidVariable.traceId).filter((span) => span.status.code === ERROR)).toEqual([]);
      await new Promise((done) => setTimeout(done, 300));
      const traces = [asLiteral, asVariable, mistyped, invalidVariable].map(({ traceId }) => inTrace(traceId));
      for (const spans of traces) expect(spans.length).toBeGreaterThan(0);
      expect(JSON.stringify(traces, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain('hunter2');
    });

    it('labels the request metrics with the operation name', async () => {
      await graphql(started.url, 'query GetUser { user(id: "8") { id } }');
      const metrics = await (await fetch(`${started.url}/metrics`)).text();
      expect(metrics).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/graphql",status_code="200",operation="query GetUser"\} \d+/);
    });
  });

  describe("Nest's own logger", () => {
    it('writes the trace and span ids on lines logged inside a span, and nothing more outside one', async () => {
      const { traceId } = await graphql(started.url, 'query GetUser { user(id: "log-me") { id } }');
      const itemSpan = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'GET /items/:id');
      const line = started
        .output()
        .split('\n')
        .find((entry) => entry.includes('serving item log-me'))!;
      const startedLine = started
        .output()
        .split('\n')
        .find((entry) => entry.includes('Nest application successfully started'))!;
      if (app === 'apollo') {
        expect(JSON.parse(line)).toMatchObject({
          level: 'log',
          message: 'serving item log-me',
          context: 'ItemsController',
          trace_id: traceId,
          span_id: itemSpan.spanId,
        });
        expect(Object.keys(JSON.parse(startedLine))).not.toContain('trace_id');
      } else {
        expect(line).toMatch(new RegExp(`LOG \\[ItemsController\\] serving item log-me trace_id=${traceId} span_id=${itemSpan.spanId}`));
        expect(startedLine).not.toContain('trace_id');
      }
    });
  });
});

describe('an Express app with scheduled jobs, event listeners, an upload route and a ws gateway', () => {
  let receiver: TraceReceiver;
  let started: PreloadedProcess;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    started = await startWithPreload(resolve(APPS, 'apollo.js'), env(receiver));
  });
  afterAll(async () => {
    await started?.stop('SIGTERM');
    await receiver?.close();
  });

  const inTrace = (traceId: string | null) => receiver.spans.filter((span) => span.traceId === traceId);
  const childOf = (parent: DecodedSpan, kind = KIND.CLIENT) =>
    receiver.waitForSpan((span) => span.traceId === parent.traceId && span.parentSpanId === parent.spanId && span.kind === kind);

  describe('scheduled jobs', () => {
    it('makes each run of an interval the root of its own trace, overlapping runs included, with its calls beneath', async () => {
      const runs = await receiver.waitFor(() => {
        const found = receiver.spans.filter((span) => span.name === 'interval heartbeat' && span.endTimeUnixNano - span.startTimeUnixNano > 200_000_000n);
        return found.length >= 3 ? found : undefined;
      });
      expect(new Set(runs.map((run) => run.traceId)).size).toBe(runs.length);
      const [first, second] = [...runs].sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
      expect(second.startTimeUnixNano).toBeLessThan(first.endTimeUnixNano); // they overlapped
      for (const run of runs) {
        expect(run).toMatchObject({ kind: KIND.INTERNAL, parentSpanId: '' });
        expect(run.attributes).toMatchObject({
          'nestjs.schedule.job.name': 'heartbeat',
          'nestjs.schedule.job.type': 'interval',
          'nestjs.schedule.job.schedule': '150',
          'code.function.name': 'Jobs.heartbeat',
        });
        const call = await childOf(run);
        expect(call.attributes['url.full']).toMatch(/\/items\/heartbeat-\d$/);
      }
    });

    it('names an unnamed cron job after its method and records its failure', async () => {
      const run = await receiver.waitForSpan((span) => span.name === 'cron Jobs.failEverySecond', 5_000);
      expect(run).toMatchObject({ kind: KIND.INTERNAL, parentSpanId: '', status: { code: ERROR, message: 'the cron job failed' } });
      expect(run.attributes['nestjs.schedule.job.name']).toMatch(UUID);
      expect(run.attributes).toMatchObject({ 'nestjs.schedule.job.type': 'cron', 'nestjs.schedule.job.schedule': '* * * * * *' });
      expect(run.events).toEqual([
        expect.objectContaining({ name: 'exception', attributes: expect.objectContaining({ 'exception.message': 'the cron job failed' }) }),
      ]);
    });

    it('traces a @Timeout and the jobs the app adds to the SchedulerRegistry', async () => {
      const warmUp = await receiver.waitForSpan((span) => span.name === 'timeout Jobs.warmUp');
      expect((await childOf(warmUp)).attributes['url.full']).toMatch(/\/items\/warm-up$/);
      const registryCron = await receiver.waitForSpan((span) => span.name === 'cron registry-cron', 5_000);
      expect(registryCron).toMatchObject({ parentSpanId: '', attributes: { 'nestjs.schedule.job.name': 'registry-cron', 'nestjs.schedule.job.type': 'cron' } });
      expect((await childOf(registryCron)).attributes['url.full']).toMatch(/\/items\/registry-cron$/);
      const registryTimeout = await receiver.waitForSpan((span) => span.name === 'timeout registry-timeout');
      expect(registryTimeout.attributes).toMatchObject({ 'nestjs.schedule.job.schedule': '200' });
      expect((await childOf(registryTimeout)).attributes['url.full']).toMatch(/\/items\/registry-timeout$/);
    });
  });

  it('gives each event listener call a span under the emitter, named after the event, with its failure recorded', async () => {
    const response = await fetch(`${started.url}/signups/ada`, { method: 'POST' });
    expect(response.status).toBe(201);
    const traceId = response.headers.get('x-trace-id');
    const server = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'POST /signups/:name');
    const listeners = await receiver.waitFor(() => {
      const found = inTrace(traceId).filter((span) => span.name.startsWith('event '));
      return found.length >= 5 ? found : undefined;
    });
    const byMethod = Object.fromEntries(
      listeners.map((span) => [`${span.name} ${String(span.attributes['code.function.name'])} ${String(span.attributes['nestjs.event.name'])}`, span]),
    );
    expect(Object.keys(byMethod).sort()).toEqual([
      'event user.* SignupListeners.audit user.created',
      'event user.* SignupListeners.audit user.updated',
      'event user.created SignupListeners.countSignup user.created',
      'event user.created SignupListeners.failToNotify user.created',
      'event user.created SignupListeners.sendWelcome user.created',
    ]);
    for (const listener of listeners) expect(listener).toMatchObject({ kind: KIND.INTERNAL, parentSpanId: server.spanId });
    const failed = byMethod['event user.created SignupListeners.failToNotify user.created'];
    expect(failed.status).toEqual({ code: ERROR, message: 'the listener failed' });
    expect(failed.events).toHaveLength(1);
    const welcome = byMethod['event user.created SignupListeners.sendWelcome user.created'];
    expect((await childOf(welcome)).attributes['url.full']).toMatch(/\/items\/welcome-ada$/);
  });

  it('keeps the request context through a multer upload (FileInterceptor)', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x'.repeat(2048)]), 'notes.txt');
    const response = await fetch(`${started.url}/upload`, { method: 'POST', body: form });
    expect(await response.json()).toEqual({ name: 'notes.txt', size: 2048 });
    const traceId = response.headers.get('x-trace-id');
    const server = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'POST /upload');
    expect(server.kind).toBe(KIND.SERVER);
    expect((await childOf(server)).attributes['url.full']).toMatch(/\/items\/upload-2048$/);
  });

  it('makes each ws message the entry of its own trace, linked to the context the connection was opened with', async () => {
    const socket = new WebSocket(`${started.url.replace('http', 'ws')}/ws`, { headers: { traceparent: OPENER_HEADER } });
    await new Promise((done, fail) => socket.once('open', done).once('error', fail));
    const replies: unknown[] = [];
    socket.on('message', (data) => replies.push(JSON.parse(String(data))));
    socket.send(JSON.stringify({ event: 'ping', data: { id: 'w1' } }));
    socket.send(JSON.stringify({ event: 'fail', data: {} }));
    await receiver.waitFor(() => (replies.length >= 2 ? replies : undefined));
    socket.close();
    expect(replies).toContainEqual({ event: 'pong', data: { id: 'w1' } });

    const ping = await receiver.waitForSpan((span) => span.name === 'process ping');
    expect(ping).toMatchObject({ kind: KIND.CONSUMER, parentSpanId: '', links: [OPENER] });
    expect(ping.traceId).not.toBe(OPENER.traceId);
    expect(ping.attributes).toMatchObject({
      'messaging.system': 'websocket',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'ping',
      'code.function.name': 'PingGateway.ping',
    });
    expect((await childOf(ping)).attributes['url.full']).toMatch(/\/items\/ws-w1$/);
    const fail = await receiver.waitForSpan((span) => span.name === 'process fail');
    expect(fail.status).toEqual({ code: ERROR, message: 'the ws handler failed' });
    expect(fail.events[0].attributes['exception.type']).toBe('WsException');
  });
});

describe('a Fastify app with a socket.io gateway and enhancerSpans: true', () => {
  let receiver: TraceReceiver;
  let started: PreloadedProcess;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    started = await startWithPreload(resolve(APPS, 'mercurius.js'), env(receiver));
  });
  afterAll(async () => {
    await started?.stop('SIGTERM');
    await receiver?.close();
  });

  it('gives the guard and the pipe of the handler called a span each, and only those', async () => {
    const response = await fetch(`${started.url}/orders/7`);
    expect(await response.json()).toEqual({ id: 7 });
    const traceId = response.headers.get('x-trace-id');
    const server = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'GET /orders/:id');
    const guard = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'guard TenantGuard');
    const pipe = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'pipe ParseIntPipe');
    expect(guard).toMatchObject({ parentSpanId: server.spanId, attributes: { 'nestjs.enhancer': 'guard', 'code.function.name': 'TenantGuard.canActivate' } });
    expect(pipe.attributes).toMatchObject({ 'nestjs.enhancer': 'pipe', 'code.function.name': 'ParseIntPipe.transform' });
    await new Promise((done) => setTimeout(done, 300));
    // The guard is bound to two controllers: one span, for the handler that ran.
    expect(
      receiver.spans
        .filter((span) => span.traceId === traceId)
        .map((span) => span.name)
        .sort(),
    ).toEqual(['GET /orders/:id', 'guard TenantGuard', 'pipe ParseIntPipe']);
  });

  it.each([
    ['polling, then websocket', ['polling', 'websocket']],
    ['websocket only', ['websocket']],
  ])(
    'makes each message (%s) the entry of its own trace, linked to the handshake, and traces none of the transport requests',
    async (_transports, transports) => {
      const client = io(started.url, { transports, extraHeaders: { traceparent: OPENER_HEADER } });
      const id = transports.join('-');
      const reply = await client.timeout(5_000).emitWithAck('ping', { id });
      client.close();
      expect(reply).toEqual({ pong: id });

      const ping = await receiver.waitForSpan(
        (span) =>
          span.name === 'process ping' &&
          span.attributes['code.function.name'] === 'PingGateway.ping' &&
          receiver.spans.some((child) => child.parentSpanId === span.spanId && String(child.attributes['url.full']).endsWith(`/items/io-${id}`)),
      );
      expect(ping).toMatchObject({
        kind: KIND.CONSUMER,
        parentSpanId: '',
        links: [OPENER],
        attributes: { 'messaging.system': 'socket.io', 'messaging.destination.name': 'ping' },
      });
      await new Promise((done) => setTimeout(done, 300));
      expect(receiver.spans.filter((span) => span.kind === KIND.SERVER && String(span.attributes['url.path']).startsWith('/socket.io'))).toEqual([]);
      expect(receiver.spans.some((span) => span.kind === KIND.SERVER && span.name === 'GET /items/:id')).toBe(true);
    },
  );
});
