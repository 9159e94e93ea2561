#!/usr/bin/env node
/**
 * `npm run bench:paired [-- --rounds N --seconds N --endpoint NAME --ours 100,10,0 --with NAME[@DIR]:VAR=value,... --baseline DIR --peers --peer NAME]`:
 * what tracing costs each request in CPU time,
 * with tracing off and ours at 100 %, 10 % and 0 % running at the same time on the same core, each
 * under its own load. Taken in turn, as `npm run bench` does, configurations meet the VM at
 * different speeds (this one drifted 2-3x within minutes); taken together, a slow spell slows them
 * all alike, so the ratio of their CPU time per request holds. For a CPU-bound server that ratio
 * is its throughput ratio. Prints a table and writes JSON to bench/results/.
 *
 * `--baseline DIR` also runs `baseline-off` and `baseline-100` from another built checkout (a
 * `git worktree` of the commit before a change, with its own `npm ci && npm run build`), so a
 * change is measured against its parent at the same time rather than in a later, differently fast run.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { cpuTicks, OFF, oursAt, parseExtraConfiguration, selectEndpoints, startSeededApps, withBenchSetup } from './harness.mjs';
import { peerConfigurations, unsampledFloors } from './peers.mjs';
import { median } from './report.mjs';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '5' },
    endpoint: { type: 'string', multiple: true, default: [] },
    with: { type: 'string', multiple: true, default: [] },
    baseline: { type: 'string' },
    peers: { type: 'boolean', default: false },
    peer: { type: 'string', multiple: true, default: [] },
    ours: { type: 'string', default: '100,10,0' },
  },
});
const SETTINGS = { rounds: Number(args.rounds), seconds: Number(args.seconds), warmupSeconds: Number(args.warmup), connections: 10 };
const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const USERS_API = 'dist/apps/users-api/main.js';
/** Cuts parts out of the library for the cost ledger when `BENCH_ABLATE` names them; nothing otherwise. */
const ABLATE = join(ROOT, 'bench', 'ablate.mjs');
const EMAIL_PORT = 3931;
const FIRST_APP_PORT = 3932;

/** `--ours 0` keeps only ours at 0 % beside off (`--ours none`: off alone), so a ledger run has fewer configurations at once. */
function ourConfigurations(list) {
  const percents = list === 'none' ? [] : list.split(',');
  for (const percent of percents)
    if (!/^\d+$/.test(percent) || Number(percent) > 100) throw new Error(`--ours ${list}: expected percentages (100,10,0) or none`);
  return oursAt(percents.map(Number));
}

const CONFIGURATIONS = [
  OFF,
  ...ourConfigurations(args.ours),
  ...args.with.map(parseExtraConfiguration),
  ...(args.baseline
    ? [
        { name: 'baseline-off', root: resolve(args.baseline), env: { ENABLE_TRACING: 'false' } },
        { name: 'baseline-100', root: resolve(args.baseline), env: { ENABLE_TRACING: 'true', TRACING_SAMPLE_RATE: '1' } },
      ]
    : []),
];
/** `--endpoint NAME` (repeatable) measures those endpoints only. */
const MEASURED_ENDPOINTS = selectEndpoints(args.endpoint);

/** Loads every app at once with the endpoint's requests; returns each app's CPU µs per request, in all and on its main thread. */
async function loadTogether(apps, endpoint, seconds) {
  const ticksBefore = apps.map((app) => cpuTicks(app.child.pid));
  const mainTicksBefore = apps.map((app) => cpuTicks(app.child.pid, { mainThreadOnly: true }));
  const results = await Promise.all(
    apps.map((app) => autocannon({ url: app.url, connections: SETTINGS.connections, duration: seconds, requests: endpoint.requests(app.state) })),
  );
  return apps.map((app, index) => {
    const { total } = results[index].requests;
    if (results[index].non2xx || results[index].errors)
      throw new Error(`${app.name}: ${endpoint.name} failed ${results[index].non2xx + results[index].errors} requests`);
    return {
      all: ((cpuTicks(app.child.pid) - ticksBefore[index]) * 10_000) / total,
      main: ((cpuTicks(app.child.pid, { mainThreadOnly: true }) - mainTicksBefore[index]) * 10_000) / total,
    };
  });
}

async function measure(apps) {
  const report = {};
  for (const endpoint of MEASURED_ENDPOINTS) {
    process.stderr.write(`${endpoint.name}: warm-up, then ${SETTINGS.rounds} rounds of ${SETTINGS.seconds} s\n`);
    await loadTogether(apps, endpoint, SETTINGS.warmupSeconds);
    const rounds = [];
    for (let round = 0; round < SETTINGS.rounds; round++) rounds.push(await loadTogether(apps, endpoint, SETTINGS.seconds));
    report[endpoint.name] = Object.fromEntries(
      apps.map((app, index) => [
        app.name,
        {
          cpuMicrosPerRequest: median(rounds.map((round) => round[index].all)),
          mainThreadMicrosPerRequest: median(rounds.map((round) => round[index].main)),
          ratiosToOff: rounds.map((round) => round[0].all / round[index].all),
        },
      ]),
    );
  }
  return report;
}

function printTable(report) {
  for (const [endpoint, configurations] of Object.entries(report)) {
    process.stdout.write(`\n${endpoint}: CPU time per request, all configurations at once on one core\n`);
    process.stdout.write(`${'configuration'.padEnd(18)}${'µs/request'.padStart(11)}${'main thread'.padStart(12)}${'x off'.padStart(8)}   per round\n`);
    for (const [name, { cpuMicrosPerRequest, mainThreadMicrosPerRequest, ratiosToOff }] of Object.entries(configurations)) {
      const rounds = ratiosToOff.map((ratio) => ratio.toFixed(3)).join(' ');
      process.stdout.write(
        `${name.padEnd(18)}${cpuMicrosPerRequest.toFixed(1).padStart(11)}${mainThreadMicrosPerRequest.toFixed(1).padStart(12)}${median(ratiosToOff).toFixed(3).padStart(8)}   ${rounds}\n`,
      );
    }
  }
}

async function main() {
  await withBenchSetup({ root: ROOT, databasePrefix: 'bench_paired', emailPort: EMAIL_PORT }, async ({ env, receiver, apps }) => {
    // `--peers`: the other setups (bench/peers.mjs) at the same time as ours, after ours;
    // `--peer NAME` one of them (`--peer otel-floor` beside a cost ledger).
    const peers = peerConfigurations(USERS_API, receiver.url);
    const floors = unsampledFloors(USERS_API);
    const known = [...peers, ...floors];
    for (const name of args.peer)
      if (!known.some((peer) => peer.name === name)) throw new Error(`--peer ${name}: expected one of ${known.map((peer) => peer.name).join(', ')}`);
    CONFIGURATIONS.push(...peers.filter((peer) => args.peers || args.peer.includes(peer.name)), ...floors.filter((floor) => args.peer.includes(floor.name)));
    await startSeededApps(CONFIGURATIONS, apps, {
      root: ROOT,
      args: ['--import', ABLATE, '--import', 'nestjs-tracing/register', USERS_API],
      env,
      firstPort: FIRST_APP_PORT,
      label: 'paired',
    });
    const report = { date: new Date().toISOString(), node: process.version, settings: SETTINGS, endpoints: await measure(apps) };
    const file = join(RESULTS, `paired-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printTable(report.endpoints);
    process.stdout.write(`\nreceived: ${[...receiver.requests].map(([path, count]) => `${path} ${count}`).join(', ')}\n`);
    process.stdout.write(`\nJSON: ${file}\n`);
  });
}

await main();
