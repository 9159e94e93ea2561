#!/usr/bin/env node
/**
 * `npm run bench [-- --quick]`: users-api under load in eight configurations (ours and the peers of bench/peers.mjs), interleaved over
 * several rounds, against the machine's PostgreSQL and Redis. The app runs on core 0 and this
 * process (load generator and trace receiver) on core 1. Prints a table and writes JSON to
 * bench/results/. Budgets are reported, never asserted: a figure is not a test.
 */
import { execFileSync } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { cpuTicks, ENDPOINTS, OFF, oursAt, procMemoryKiB, seedUser, spawnOnAppCore, stopApp, waitForPing, withBenchSetup } from './harness.mjs';
import { runMicroBenchmarks } from './micro.mjs';
import { peerConfigurations } from './peers.mjs';
import { printReport } from './report.mjs';

const quick = process.argv.includes('--quick');
const SETTINGS = quick ? { rounds: 1, warmupSeconds: 1, seconds: 3, connections: 10 } : { rounds: 3, warmupSeconds: 3, seconds: 10, connections: 10 };
const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const USERS_API = 'dist/apps/users-api/main.js';
const PRELOAD = ['--import', 'nestjs-tracing/register'];

/** How each configuration starts the same built users-api. */
const [OURS_100, OURS_10] = oursAt([100, 10]);
const CONFIGURATIONS = [
  { ...OFF, label: '(a) tracing off', args: [...PRELOAD, USERS_API] },
  { ...OURS_100, label: '(b) ours, 100 %', args: [...PRELOAD, USERS_API] },
  { ...OURS_10, label: '(c) ours, 10 %', args: [...PRELOAD, USERS_API] },
];
/** The peers (bench/peers.mjs), added once the discard receiver's URL is known. */

async function startApp(configuration, env, logFile) {
  const port = 3900;
  const started = performance.now();
  const child = spawnOnAppCore(ROOT, configuration.args, { port, env: { ...env, ...configuration.env }, log: openSync(logFile, 'a') });
  const url = `http://127.0.0.1:${port}`;
  await waitForPing(url, Date.now() + 60_000, 10);
  return { child, url, startupMs: performance.now() - started, rssAfterStartMiB: procMemoryKiB(child.pid, 'VmRSS') / 1024 };
}

async function load(url, requests, seconds) {
  const result = await autocannon({ url, connections: SETTINGS.connections, duration: seconds, requests });
  return { requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: result.errors + result.non2xx };
}

async function measureEndpoint(app, endpoint, state) {
  await load(app.url, endpoint.requests(state), SETTINGS.warmupSeconds);
  const ticksBefore = cpuTicks(app.child.pid);
  const measured = await load(app.url, endpoint.requests(state), SETTINGS.seconds);
  const cpuPercent = ((cpuTicks(app.child.pid) - ticksBefore) / 100 / SETTINGS.seconds) * 100;
  return { ...measured, cpuPercent };
}

async function runConfiguration(configuration, round, env, state) {
  const app = await startApp(configuration, env, join(RESULTS, 'logs', `${configuration.name}.log`));
  try {
    state.userId = await seedUser(app.url, `seed-${configuration.name}-${round}-${state.run}@example.com`);
    const endpoints = {};
    for (const endpoint of ENDPOINTS) endpoints[endpoint.name] = await measureEndpoint(app, endpoint, state);
    return { startupMs: app.startupMs, rssAfterStartMiB: app.rssAfterStartMiB, peakRssMiB: procMemoryKiB(app.child.pid, 'VmHWM') / 1024, endpoints };
  } finally {
    await stopApp(app.child);
  }
}

async function main() {
  const rounds = [];
  await withBenchSetup({ root: ROOT, databasePrefix: 'bench', emailPort: 3901 }, async ({ env, receiver }) => {
    CONFIGURATIONS.push(...peerConfigurations(USERS_API, receiver.url));
    const state = { run: Date.now(), sequence: 0 };
    for (let round = 1; round <= SETTINGS.rounds; round++) {
      const results = {};
      // Interleaved, and in a different order each round, so drift over time hits every configuration.
      const order = CONFIGURATIONS.map((_, index) => CONFIGURATIONS[(index + round - 1) % CONFIGURATIONS.length]);
      for (const configuration of order) {
        process.stderr.write(`round ${round}/${SETTINGS.rounds}: ${configuration.label}\n`);
        results[configuration.name] = await runConfiguration(configuration, round, env, state);
      }
      rounds.push(results);
    }
  });
  const micro = await runMicroBenchmarks({ quick });
  const machine = { cpus: execFileSync('nproc', ['--all'], { encoding: 'utf8' }).trim(), node: process.version, settings: SETTINGS };
  const report = {
    date: new Date().toISOString(),
    machine,
    configurations: CONFIGURATIONS.map(({ name, label }) => ({ name, label })),
    endpoints: ENDPOINTS.map(({ name }) => name),
    rounds,
    micro,
  };
  const file = join(RESULTS, `bench-${quick ? 'quick-' : ''}${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report);
  process.stdout.write(`\nJSON: ${file}\n`);
}

await main();
