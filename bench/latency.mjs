#!/usr/bin/env node
/**
 * `npm run bench:latency [-- --rounds N --seconds N --load 0.25]`: latency at moderate load, where
 * `npm run bench` and `bench:paired` load the app to saturation. Per endpoint, the untraced app's
 * capacity is measured first (requests per second at 10 connections); then off, ours at 100 % and
 * ours at 10 % are each sent that capacity × `--load` at a fixed rate, one at a time in a rotated
 * order, and their p50 and p99 are the medians over the rounds. autocannon corrects a fixed-rate
 * run's latencies for coordinated omission, so a stall shows in p99 rather than in a lower rate.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ENDPOINTS, startSeededApps, withBenchSetup } from './harness.mjs';
import { median } from './report.mjs';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    load: { type: 'string', default: '0.25' },
  },
});
const SETTINGS = { rounds: Number(args.rounds), seconds: Number(args.seconds), load: Number(args.load), connections: 10 };
if (!(SETTINGS.load > 0 && SETTINGS.load < 1)) throw new Error(`--load ${args.load}: expected a fraction of capacity between 0 and 1`);
const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const EMAIL_PORT = 3951;
const FIRST_APP_PORT = 3952;
const CONFIGURATIONS = [
  { name: 'off', env: { ENABLE_TRACING: 'false' } },
  { name: 'ours-100', env: { ENABLE_TRACING: 'true', TRACING_SAMPLE_RATE: '1' } },
  { name: 'ours-10', env: { ENABLE_TRACING: 'true', TRACING_SAMPLE_RATE: '0.1' } },
];

async function load(app, endpoint, seconds, overallRate) {
  const result = await autocannon({
    url: app.url,
    connections: SETTINGS.connections,
    duration: seconds,
    requests: endpoint.requests(app.state),
    ...(overallRate ? { overallRate } : {}),
  });
  if (result.non2xx || result.errors) throw new Error(`${app.name}: ${endpoint.name} failed ${result.non2xx + result.errors} requests`);
  return result;
}

async function measure(apps) {
  const report = {};
  for (const endpoint of ENDPOINTS) {
    for (const app of apps) await load(app, endpoint, 3);
    const capacity = (await load(apps[0], endpoint, 5)).requests.average;
    const rate = Math.max(1, Math.round(capacity * SETTINGS.load));
    process.stderr.write(`${endpoint.name}: off serves ${Math.round(capacity)} req/s; ${rate} req/s, ${SETTINGS.rounds} rounds of ${SETTINGS.seconds} s\n`);
    const rounds = apps.map(() => []);
    for (let round = 0; round < SETTINGS.rounds; round++) {
      for (let turn = 0; turn < apps.length; turn++) {
        const index = (round + turn) % apps.length;
        const { latency, requests } = await load(apps[index], endpoint, SETTINGS.seconds, rate);
        rounds[index].push({ p50: latency.p50, p99: latency.p99, rate: requests.average });
      }
    }
    report[endpoint.name] = {
      capacity,
      rate,
      ...Object.fromEntries(
        apps.map((app, index) => [
          app.name,
          {
            p50Ms: median(rounds[index].map((run) => run.p50)),
            p99Ms: median(rounds[index].map((run) => run.p99)),
            p99PerRound: rounds[index].map((run) => run.p99),
            served: median(rounds[index].map((run) => run.rate)),
          },
        ]),
      ),
    };
  }
  return report;
}

function printTable(report) {
  for (const [endpoint, { capacity, rate, ...configurations }] of Object.entries(report)) {
    process.stdout.write(`\n${endpoint}: ${rate} req/s (${Math.round((rate / capacity) * 100)} % of off's ${Math.round(capacity)})\n`);
    process.stdout.write(
      `${'configuration'.padEnd(14)}${'served'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'p99 - off'.padStart(11)}   p99 per round\n`,
    );
    for (const [name, { served, p50Ms, p99Ms, p99PerRound }] of Object.entries(configurations)) {
      const added = p99Ms - configurations.off.p99Ms;
      process.stdout.write(
        `${name.padEnd(14)}${Math.round(served).toString().padStart(8)}${p50Ms.toFixed(2).padStart(8)}${p99Ms.toFixed(2).padStart(8)}${added.toFixed(2).padStart(11)}   ${p99PerRound.join(' ')}\n`,
      );
    }
  }
}

async function main() {
  await withBenchSetup({ root: ROOT, databasePrefix: 'bench_latency', emailPort: EMAIL_PORT }, async ({ env, apps }) => {
    // All three start at once and wait idle on core 0 while another is measured.
    const args = ['--import', 'nestjs-tracing/register', 'dist/apps/users-api/main.js'];
    await startSeededApps(CONFIGURATIONS, apps, { root: ROOT, args, env, firstPort: FIRST_APP_PORT, label: 'latency' });
    const report = { date: new Date().toISOString(), node: process.version, settings: SETTINGS, endpoints: await measure(apps) };
    const file = join(RESULTS, `latency-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printTable(report.endpoints);
    process.stdout.write(`\nJSON: ${file}\n`);
  });
}

await main();
