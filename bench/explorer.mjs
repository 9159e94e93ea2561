#!/usr/bin/env node
/**
 * `npm run bench:explorer [-- --batches N --rounds N]`: the trace explorer's ingest rate and memory.
 *
 * - Ingest: the built explorer pinned to core 0 (one core), fed OTLP/protobuf batches of 512 spans
 *   shaped like the sample system's (a `POST /users` across both services: 14 spans, the SDK's
 *   resource attributes) by this process on core 1, two requests in flight, with the default memory
 *   budget (so eviction is part of the work). Prints spans per second of wall time and per second of
 *   the explorer's CPU time.
 * - Memory: the explorer's decoder and store in this process (run with --expose-gc), the heap after
 *   storing 100 000 spans against the heap before, per 10 000 spans, beside the store's own estimate
 *   (what its budget counts).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { cpuTicks, pinSelf, procMemoryKiB } from './harness.mjs';

if (typeof globalThis.gc !== 'function') {
  // Re-run with the collector exposed, so the memory figure is live objects, not garbage.
  const child = spawn(process.execPath, ['--expose-gc', ...process.argv.slice(1)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}

async function main() {
  const { values: args } = parseArgs({ options: { batches: { type: 'string', default: '400' }, rounds: { type: 'string', default: '3' } } });
  const ROOT = resolve(import.meta.dirname, '..');
  const EXPLORER = join(ROOT, 'dist/apps/trace-explorer/main.js');
  pinSelf();

  const batches = makeBatches(Number(args.batches));
  const spansPerBatch = 512;
  console.log(
    `${batches.length} batches of ${spansPerBatch} spans, ${(batches.reduce((total, batch) => total + batch.length, 0) / batches.length / 1024).toFixed(0)} KiB each`,
  );

  const port = await freePort();
  const explorer = spawn('taskset', ['-c', '0', process.execPath, EXPLORER], {
    env: { PATH: process.env.PATH, TRACE_EXPLORER_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((done) => explorer.stdout.on('data', (chunk) => String(chunk).includes('trace explorer:') && done()));
  const url = `http://127.0.0.1:${port}/v1/traces`;
  const post = async (body) => {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } });
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
    await response.arrayBuffer();
  };
  // Warm-up: the first batches pay for JIT compilation.
  for (const batch of batches.slice(0, 10)) await post(batch);

  const results = [];
  for (let round = 1; round <= Number(args.rounds); round++) {
    const cpuBefore = cpuTicks(explorer.pid);
    const started = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await post(batches[next++]);
    };
    await Promise.all([worker(), worker()]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuSeconds = (cpuTicks(explorer.pid) - cpuBefore) / 100;
    const spans = batches.length * spansPerBatch;
    results.push({ round, spans, seconds, cpuSeconds, perSecond: spans / seconds, perCpuSecond: spans / cpuSeconds });
    console.log(
      `round ${round}: ${spans} spans in ${seconds.toFixed(2)} s: ${(spans / seconds).toFixed(0)} spans/s, ${(spans / cpuSeconds).toFixed(0)} spans per CPU-second`,
    );
  }
  const stats = await (await fetch(`http://127.0.0.1:${port}/api/explorer/stats`)).json();
  console.log(
    `explorer after the run: ${stats.spans} spans stored, ${stats.evicted.spans} evicted, estimate ${(stats.estimatedBytes / 2 ** 20).toFixed(0)} of ${(stats.memoryBudgetBytes / 2 ** 20).toFixed(0)} MiB, RSS ${(procMemoryKiB(explorer.pid, 'VmRSS') / 1024).toFixed(0)} MiB`,
  );
  explorer.kill('SIGTERM');

  const sorted = results.map((result) => result.perSecond).sort((a, b) => a - b);
  console.log(`ingest, median of ${results.length} rounds: ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} spans/s on one core`);
  await measureMemory(ROOT, batches);
}

async function measureMemory(root, batches) {
  const { decodeTraces } = await import(join(root, 'dist/apps/trace-explorer/otlp/decode.js'));
  const { TraceStore } = await import(join(root, 'dist/apps/trace-explorer/store/trace-store.js'));
  const store = new TraceStore({ memoryBudgetBytes: 2 ** 40 });
  const wanted = 100_000;
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  let stored = 0;
  for (const batch of batches) {
    if (stored >= wanted) break;
    const spans = decodeTraces(batch, 'protobuf');
    store.addSpans(spans);
    stored += spans.length;
  }
  globalThis.gc();
  const heap = process.memoryUsage().heapUsed - before;
  const estimate = store.stats().estimatedBytes;
  console.log(
    `memory: ${stored} spans take ${(heap / 2 ** 20).toFixed(1)} MiB of heap: ${(((heap / stored) * 10_000) / 2 ** 20).toFixed(2)} MiB per 10k spans (the budget's estimate: ${(((estimate / stored) * 10_000) / 2 ** 20).toFixed(2)} MiB)`,
  );
}

/** Batches of 512 spans from real SDK spans: traces shaped like a `POST /users` across both services. */
function makeBatches(count) {
  const memory = new InMemorySpanExporter();
  const resource = (name) =>
    resourceFromAttributes({
      'service.name': name,
      'service.version': '0.1.0',
      'deployment.environment.name': 'production',
      'host.name': 'node-7',
      'host.arch': 'amd64',
      'os.type': 'linux',
      'process.pid': 4242,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': '24.11.0',
      'process.executable.path': '/usr/local/bin/node',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': '3.1.1',
      'service.instance.id': '5d6f1c2e-8a3b-4c1d-9e7f-0a1b2c3d4e5f',
    });
  const tracer = (name) =>
    new TracerProvider({ resource: resource(name), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] }).getTracer('nestjs-tracing', '0.1.0');
  const users = tracer('users-api');
  const emails = tracer('email-service');
  const http = (method, route, status) => ({
    'http.request.method': method,
    'url.scheme': 'http',
    'url.path': route,
    'server.address': '127.0.0.1',
    'network.protocol.version': '1.1',
    'user_agent.original': 'node',
    'http.route': route,
    'http.response.status_code': status,
  });
  const batches = [];
  let pending = [];
  while (batches.length < count) {
    const server = users.startSpan('POST /users', { kind: SpanKind.SERVER, attributes: http('POST', '/users', 201) });
    const inServer = trace.setSpan(ROOT_CONTEXT, server);
    const service = users.startSpan('UsersService.create', {}, inServer);
    const inService = trace.setSpan(ROOT_CONTEXT, service);
    for (const statement of [
      'START TRANSACTION',
      'INSERT INTO "users"("id", "email", "name", "password_hash") VALUES ($1, $2, $3, $4)',
      'INSERT INTO "outbox"("id", "kind", "payload") VALUES ($1, $2, $3)',
      'COMMIT',
    ]) {
      users
        .startSpan(
          `pg.query:${statement.split(' ')[0]} users`,
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'db.system.name': 'postgresql',
              'db.namespace': 'users',
              'db.query.text': statement,
              'server.address': '127.0.0.1',
              'server.port': 5432,
            },
          },
          inService,
        )
        .end();
    }
    users
      .startSpan(
        'eval',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'db.system.name': 'redis', 'db.query.text': 'eval [4 other arguments]', 'server.address': '127.0.0.1', 'server.port': 6379 },
        },
        inService,
      )
      .end();
    const dispatch = users.startSpan('outbox.dispatch welcome_email', {}, inServer);
    const client = users.startSpan(
      'POST',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'POST',
          'url.full': 'http://127.0.0.1:3001/emails',
          'server.address': '127.0.0.1',
          'server.port': 3001,
          'http.response.status_code': 201,
        },
      },
      trace.setSpan(ROOT_CONTEXT, dispatch),
    );
    const remote = emails.startSpan('POST /emails', { kind: SpanKind.SERVER, attributes: http('POST', '/emails', 201) }, trace.setSpan(ROOT_CONTEXT, client));
    const mailbox = emails.startSpan('MailboxService.deliver', {}, trace.setSpan(ROOT_CONTEXT, remote));
    mailbox.addEvent('delivered', { 'email.kind': 'welcome_email' });
    mailbox.end();
    remote.end();
    client.end();
    dispatch.end();
    service.end();
    server.setStatus({ code: SpanStatusCode.OK });
    server.end();
    pending.push(...memory.getFinishedSpans());
    memory.reset();
    while (pending.length >= 512 && batches.length < count) {
      batches.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(pending.slice(0, 512))));
      pending = pending.slice(512);
    }
  }
  return batches;
}

function freePort() {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}
