/**
 * What `run.mjs` (req/s), `paired.mjs` (CPU per request), `latency.mjs` and `instructions.mjs`
 * (callgrind) need around the users-api they measure: a throwaway database, a trace backend that
 * discards, the email service, the endpoints, a seeded user, the wait for the app to answer, and
 * the cores.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import pg from 'pg';

const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/8';

/**
 * The environment every measured users-api starts with; `outboxPollMs` defaults to one second, so
 * POST /users's welcome emails are delivered while it is measured.
 */
export function benchEnvironment({ databaseUrl, receiverUrl, emailServiceUrl, outboxPollMs = 1000 }) {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    TRACING_EXPORTER: 'otlp',
    OTLP_ENDPOINT: receiverUrl,
    // For the setups that configure the SDK themselves (OpenTelemetry docs, nestjs-otel).
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    EMAIL_SERVICE_URL: emailServiceUrl,
    OUTBOX_POLL_MS: String(outboxPollMs),
    // At the production cost scrypt is ~95 % of POST /users and hides every tracer's cost there.
    PASSWORD_SCRYPT_COST: '1024',
  };
}

async function withAdmin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database on the machine's PostgreSQL, so runs never see each other's rows. */
export async function createBenchDatabase(prefix) {
  const name = `${prefix}_${Date.now()}`;
  await withAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => withAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * The trace backend: accepts every request (OTLP, Datadog's Agent API, Sentry's envelopes) and
 * discards it, as fast as possible, counting requests by path so a run can show every setup exported.
 */
export async function startDiscardReceiver() {
  const requests = new Map();
  const server = createServer((request, response) => {
    const path = request.url.split('?')[0];
    requests.set(path, (requests.get(path) ?? 0) + 1);
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${server.address().port}`, requests };
}

/** The app's answer to `GET /ping`, or undefined when nothing answers. */
function ping(url) {
  return fetch(`${url}/ping`).catch(() => undefined);
}

export async function waitForPing(url, deadline, intervalMs) {
  for (;;) {
    if ((await ping(url))?.ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer /ping`);
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}

/** Signs a user up through the API and returns its id, for `GET /users/:id`. */
export async function seedUser(url, email) {
  const response = await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: 'Seed', password: 'seed-password' }),
  });
  return (await response.json()).id;
}

/** The endpoints measured: a cache hit, a write through every backend, and the fixed per-request cost. */
export const ENDPOINTS = [
  { name: 'GET /users/:id', requests: (state) => [{ method: 'GET', path: `/users/${state.userId}` }] },
  {
    name: 'POST /users',
    requests: (state) => [
      {
        method: 'POST',
        path: '/users',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ email: `bench-${state.run}-${state.sequence++}@example.com`, name: 'Bench', password: 'bench-password' }),
        }),
      },
    ],
  },
  { name: 'GET /ping', requests: () => [{ method: 'GET', path: '/ping' }] },
];

/** The endpoints `names` names (`--endpoint`, repeatable), or all of them for none; an unknown name stops the run. */
export function selectEndpoints(names) {
  for (const name of names)
    if (!ENDPOINTS.some((endpoint) => endpoint.name === name))
      throw new Error(`--endpoint ${name}: expected one of ${ENDPOINTS.map((endpoint) => endpoint.name).join(', ')}`);
  return names.length > 0 ? ENDPOINTS.filter((endpoint) => names.includes(endpoint.name)) : ENDPOINTS;
}

/** Tracing off: the same build, preload and all, started with `ENABLE_TRACING=false`. */
export const OFF = { name: 'off', env: { ENABLE_TRACING: 'false' } };

/** Ours sampling each of `percents` (`[100, 10]`), named `ours-100`, `ours-10`. */
export function oursAt(percents) {
  return percents.map((percent) => ({ name: `ours-${percent}`, env: { ENABLE_TRACING: 'true', TRACING_SAMPLE_RATE: String(percent / 100) } }));
}

/** The runner (load generator and trace receiver) on core 1; the apps get core 0. */
export function pinSelf() {
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
}

/**
 * PostgreSQL and Redis on core 1 with the load generator, so they never take the app's core: left to
 * the scheduler they landed on either and made POST /users vary by ±10 % between runs. Backends
 * forked later inherit the postmaster's affinity. Returns a function restoring what was there.
 */
export function pinDatabases() {
  const pids = ['postgres', 'redis-server'].flatMap((name) => {
    try {
      return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  });
  const previous = pids.map((pid) => [pid, execFileSync('taskset', ['-p', pid], { encoding: 'utf8' }).trim().split(' ').at(-1)]);
  try {
    for (const pid of pids) execFileSync('taskset', ['-a', '-p', '2', pid], { stdio: 'ignore' });
    process.stderr.write(`pinned ${pids.length} PostgreSQL and Redis processes to core 1\n`);
  } catch (error) {
    process.stderr.write(`could not pin PostgreSQL and Redis to core 1 (${error.message}); figures will be noisier\n`);
  }
  return () => {
    for (const [pid, mask] of previous) {
      try {
        execFileSync('taskset', ['-a', '-p', mask, pid], { stdio: 'ignore' });
      } catch {
        // The process ended meanwhile; nothing to restore.
      }
    }
  };
}

/**
 * CPU time (user + system) the process has used, in clock ticks of 10 ms; with `mainThreadOnly`,
 * only its main thread's (the event loop's, which serves requests), without GC helpers and workers.
 */
export function cpuTicks(pid, { mainThreadOnly = false } = {}) {
  const fields = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** A `/proc/<pid>/status` memory field (`VmRSS`, `VmHWM`), in KiB. */
export function procMemoryKiB(pid, field) {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))[1]);
}

/**
 * A users-api (or a benchmark setup around it) on core 0, the app's core, its output to the file
 * descriptor `log`. taskset execs node, so the child's pid is node's.
 */
export function spawnOnAppCore(root, args, { port, env, log }) {
  return spawn('taskset', ['-c', '0', process.execPath, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', log, log],
  });
}

/** Stops an app with SIGTERM, as an orchestrator would, and waits until it has exited. */
export async function stopApp(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** The email service POST /users's outbox delivers to, on core 1, untraced: only users-api is measured. */
export function startEmailService(root, port) {
  return spawn('taskset', ['-c', '1', process.execPath, 'dist/apps/email-service/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), EMAIL_TCP_PORT: '0', LOG_LEVEL: 'warn', ENABLE_TRACING: 'false' },
    stdio: 'ignore',
  });
}

/**
 * The benchmark around a run of apps measured side by side: this process (load generator and
 * receiver) and PostgreSQL and Redis on core 1, the discard receiver, a fresh database and the
 * email service. `run` gets the apps' environment and the receiver and puts every app it starts in
 * `apps`; they are stopped and everything else undone however `run` ends.
 */
export async function withBenchSetup({ root, databasePrefix, emailPort }, run) {
  pinSelf();
  const unpinDatabases = pinDatabases();
  mkdirSync(join(root, 'bench', 'results', 'logs'), { recursive: true });
  const receiver = await startDiscardReceiver();
  const database = await createBenchDatabase(databasePrefix);
  const emailService = startEmailService(root, emailPort);
  const apps = [];
  try {
    const env = benchEnvironment({ databaseUrl: database.url, receiverUrl: receiver.url, emailServiceUrl: `http://127.0.0.1:${emailPort}` });
    await run({ env, receiver, apps });
  } finally {
    await Promise.all(apps.map((app) => stopApp(app.child)));
    unpinDatabases();
    emailService.kill('SIGTERM');
    receiver.server.close();
    await database.drop();
  }
}

/**
 * Starts each configuration's users-api on the app's core, one after another on consecutive ports,
 * and seeds a user in each (`app.state.userId`). Each goes into `apps` as it starts, so a failed
 * start still leaves the others to be stopped. Its output goes to `bench/results/logs/<label>-<name>.log`.
 */
export async function startSeededApps(configurations, apps, { root, args, env, firstPort, label }) {
  for (const [index, configuration] of configurations.entries()) {
    const port = firstPort + index;
    // An app left running by a run that crashed would answer in this one's place.
    if (await ping(`http://127.0.0.1:${port}`)) throw new Error(`port ${port} is taken by another process (an app left from an earlier run?): stop it first`);
    const log = openSync(join(root, 'bench', 'results', 'logs', `${label}-${configuration.name}.log`), 'w');
    const child = spawnOnAppCore(configuration.root ?? root, configuration.args ?? args, { port, env: { ...env, ...configuration.env }, log });
    const app = { name: configuration.name, child, url: `http://127.0.0.1:${port}` };
    apps.push(app);
    await waitForPing(app.url, Date.now() + 60_000, 50);
    app.state = { run: `${Date.now()}-${configuration.name}`, sequence: 0 };
    app.state.userId = await seedUser(app.url, `${label}-seed-${app.state.run}@example.com`);
  }
}

/**
 * `--with 'no-export:ENABLE_TRACING=true,TRACING_SAMPLE_RATE=1,TRACING_EXPORTER=none'` adds a
 * configuration, so the share of one part of tracing is measured against the others at the same time;
 * `--with 'old@../base:ENABLE_TRACING=true'` runs one from another built checkout.
 */
export function parseExtraConfiguration(spec) {
  const [label, variables = ''] = spec.split(/:(.*)/s);
  // `NAME@DIR:...` runs from another built checkout, so a baseline can sit between two runs of the new build (ABBA).
  const [name, root] = label.split('@');
  // A comma starts the next variable only before `NAME=`, so a value may be a list (`OTEL_NODE_DISABLED_INSTRUMENTATIONS=grpc,bullmq`).
  const env = Object.fromEntries(
    variables
      .split(/,(?=[A-Z_][A-Z0-9_]*=)/)
      .filter(Boolean)
      .map((pair) => pair.split(/=(.*)/s).slice(0, 2)),
  );
  const values = Object.values(env);
  if (!/^[\w.-]+$/.test(name) || values.length === 0 || values.some((value) => value === undefined))
    throw new Error(`--with ${spec}: expected NAME[@DIR]:VAR=value,VAR=value`);
  return { name, env, ...(root ? { root: resolve(root) } : {}) };
}
