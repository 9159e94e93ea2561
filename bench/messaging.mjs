#!/usr/bin/env node
/**
 * `npm run bench:messaging [-- --rounds N --seconds N]`: what tracing costs a message over Nest's
 * TCP transport and a BullMQ job, in CPU time, traced (100 %, 0 %) against untraced. As in
 * bench:paired, the configurations run at the same time on core 0, each loaded on its own, so a
 * slow spell of the VM slows them alike; the runner, Redis and the trace receiver are on core 1.
 * Each process (test/messaging/apps/bench-loop.ts) sends to itself, so a message's CPU time holds
 * both its send and its handling (a job's, its add and its processing). Prints a table and writes
 * JSON to bench/results/.
 */
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuTicks, OFF, oursAt, pinDatabases, pinSelf, spawnOnAppCore, startDiscardReceiver, stopApp } from './harness.mjs';
import { median } from './report.mjs';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '5' },
  },
});
const SETTINGS = { rounds: Number(args.rounds), seconds: Number(args.seconds), warmupSeconds: Number(args.warmup), concurrency: 10 };
const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const LOOP = 'test/messaging/apps/dist/bench-loop.js';

const CONFIGURATIONS = [OFF, ...oursAt([100, 0])];
const WORKLOADS = [
  { name: 'TCP send + handler', env: { LOOP: 'tcp' } },
  { name: 'BullMQ add + process', env: { LOOP: 'bullmq', BROKER: process.env.BENCH_REDIS_ADDRESS ?? '127.0.0.1:6379' } },
];

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** The count of messages the process has printed so far (`done <n>`, every second). */
function doneCount(logFile) {
  const counts = readFileSync(logFile, 'utf8').match(/done (\d+)/g);
  return counts ? Number(counts.at(-1).split(' ')[1]) : 0;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function startLoops(workload, receiverUrl, loops) {
  const run = Date.now();
  for (const configuration of CONFIGURATIONS) {
    const logFile = join(RESULTS, 'logs', `messaging-${workload.env.LOOP}-${configuration.name}.log`);
    const env = {
      TRACING_EXPORTER: 'otlp',
      OTLP_ENDPOINT: receiverUrl,
      OTEL_SERVICE_NAME: `bench-${configuration.name}`,
      CONCURRENCY: String(SETTINGS.concurrency),
      TARGET: String(await freePort()),
      QUEUE_PREFIX: `bench-${run}-${configuration.name}`,
      ...workload.env,
      ...configuration.env,
    };
    const child = spawnOnAppCore(ROOT, ['--import', 'nestjs-tracing/register', LOOP], { port: 0, env, log: openSync(logFile, 'w') });
    loops.push({ name: configuration.name, child, logFile });
  }
  const deadline = Date.now() + 60_000;
  while (loops.some((loop) => doneCount(loop.logFile) === 0)) {
    if (Date.now() > deadline || loops.some((loop) => loop.child.exitCode !== null)) {
      throw new Error(`a loop did not start:\n${loops.map((loop) => readFileSync(loop.logFile, 'utf8').slice(-1500)).join('\n')}`);
    }
    await sleep(200);
  }
}

/** One round: each process's CPU µs per message over `seconds`, all running meanwhile. */
async function round(loops, seconds) {
  const before = loops.map((loop) => ({ ticks: cpuTicks(loop.child.pid), done: doneCount(loop.logFile) }));
  await sleep(seconds * 1000 + 1100);
  return loops.map((loop, index) => {
    const messages = doneCount(loop.logFile) - before[index].done;
    return { messages, micros: ((cpuTicks(loop.child.pid) - before[index].ticks) * 10_000) / messages };
  });
}

async function measure(workload, receiverUrl) {
  const loops = [];
  try {
    await startLoops(workload, receiverUrl, loops);
    process.stderr.write(`${workload.name}: warm-up, then ${SETTINGS.rounds} rounds of ${SETTINGS.seconds} s\n`);
    await round(loops, SETTINGS.warmupSeconds);
    const rounds = [];
    for (let index = 0; index < SETTINGS.rounds; index++) rounds.push(await round(loops, SETTINGS.seconds));
    return Object.fromEntries(
      loops.map((loop, index) => [
        loop.name,
        {
          cpuMicrosPerMessage: median(rounds.map((measured) => measured[index].micros)),
          messagesPerSecond: median(rounds.map((measured) => measured[index].messages / SETTINGS.seconds)),
          ratiosToOff: rounds.map((measured) => measured[0].micros / measured[index].micros),
        },
      ]),
    );
  } finally {
    await Promise.all(loops.map((loop) => stopApp(loop.child)));
  }
}

function printTable(report) {
  for (const [workload, configurations] of Object.entries(report)) {
    process.stdout.write(`\n${workload}: CPU time per message, all configurations at once on one core\n`);
    process.stdout.write(`${'configuration'.padEnd(14)}${'µs/message'.padStart(11)}${'msg/s'.padStart(9)}${'x off'.padStart(8)}   per round\n`);
    for (const [name, { cpuMicrosPerMessage, messagesPerSecond, ratiosToOff }] of Object.entries(configurations)) {
      const rounds = ratiosToOff.map((ratio) => ratio.toFixed(3)).join(' ');
      process.stdout.write(
        `${name.padEnd(14)}${cpuMicrosPerMessage.toFixed(1).padStart(11)}${messagesPerSecond.toFixed(0).padStart(9)}${median(ratiosToOff).toFixed(3).padStart(8)}   ${rounds}\n`,
      );
    }
  }
}

async function main() {
  pinSelf();
  const unpinDatabases = pinDatabases();
  mkdirSync(join(RESULTS, 'logs'), { recursive: true });
  const receiver = await startDiscardReceiver();
  try {
    const workloads = {};
    for (const workload of WORKLOADS) workloads[workload.name] = await measure(workload, receiver.url);
    const report = { date: new Date().toISOString(), node: process.version, settings: SETTINGS, workloads };
    const file = join(RESULTS, `messaging-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printTable(workloads);
    process.stdout.write(`\nJSON: ${file}\n`);
  } finally {
    unpinDatabases();
    receiver.server.close();
  }
}

await main();
