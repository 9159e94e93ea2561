#!/usr/bin/env node
/**
 * `npm run bench:latency [-- --seconds N --slice N --load 0.25 --endpoint NAME --with NAME[@DIR]:VAR=value,... --peer NAME --alone]`:
 * latency at moderate load, where `npm run bench` and `bench:paired` load the app to saturation.
 * Per endpoint, the untraced app's capacity is measured first (requests per second at 10
 * connections); then off, ours at 100 % and ours at 10 % are each sent that capacity × `--load` at
 * a fixed rate, in short slices taken in turn (off, 100 %, 10 %, 100 %, 10 %, off, ...), until each
 * has had `--seconds` of load. A spell of the VM's own jitter then lands on every configuration
 * alike instead of on whichever one ran in it, which moved a 10 s round's p99 by 4-25 ms here.
 * The apps wait on one core while another is measured, so one's garbage collection threads and
 * timers can take the core from another; `--alone` runs each configuration by itself instead, one
 * after another, at the rate off's capacity set.
 *
 * The load is open: a request is sent when it is due, whether or not earlier ones have been
 * answered, so a stall of the app shows as the latency of every request sent during it.
 *
 * Each request is timed in µs at four points on the system's monotonic clock, which the client
 * and the apps share: the client's send, the app's HTTP server seeing the request and the
 * response's last byte leaving the app (both by `bench/request-timer.mjs`, loaded in every
 * configuration, off included), and the response's end at the client. Three latencies follow, each
 * pooled over a configuration's slices for its percentiles: the client's; `reached`, from the send to
 * the app's last byte, which is the latency as far as the app can cause it (waiting in the socket
 * while the app's event loop was busy included); and `served`, the app's own part. The stalls of
 * 20-100 ms the client sees on about 1 % of requests are almost all before the app's server sees
 * the request: the app's garbage collections, and spells in which the system did not run the app's
 * main thread. So `bench/request-timer.mjs` also records the app's garbage collections by kind and
 * the gaps in its event loop over 5 ms (with how much of each the main thread spent on the CPU),
 * and every request that waited over 5 ms to reach the app, or was served in over 1 ms, is checked
 * against them.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { peerConfigurations } from './peers.mjs';
import { OFF, cpuTicks, oursAt, parseExtraConfiguration, selectEndpoints, startSeededApps, stopApp, withBenchSetup } from './harness.mjs';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '40' },
    slice: { type: 'string', default: '1' },
    load: { type: 'string', default: '0.25' },
    endpoint: { type: 'string', multiple: true, default: [] },
    with: { type: 'string', multiple: true, default: [] },
    alone: { type: 'boolean', default: false },
    peer: { type: 'string', multiple: true, default: [] },
  },
});
const SETTINGS = {
  seconds: Number(options.seconds),
  sliceSeconds: Number(options.slice),
  load: Number(options.load),
  capacityConnections: 10,
  alone: options.alone,
};
if (!(SETTINGS.load > 0 && SETTINGS.load < 1)) throw new Error(`--load ${options.load}: expected a fraction of capacity between 0 and 1`);
if (!(SETTINGS.sliceSeconds > 0 && SETTINGS.sliceSeconds <= SETTINGS.seconds)) throw new Error(`--slice ${options.slice}: expected seconds, at most --seconds`);
const ROOT = resolve(import.meta.dirname, '..');
const USERS_API = 'dist/apps/users-api/main.js';
const RESULTS = join(ROOT, 'bench', 'results');
const EMAIL_PORT = 3951;
const FIRST_APP_PORT = 3952;
/** Times each request inside the app (`bench/request-timer.mjs`), loaded alike in every configuration. */
const REQUEST_TIMER = join(ROOT, 'bench', 'request-timer.mjs');
/** Cuts parts out of the library when a configuration's `BENCH_ABLATE` names them; nothing otherwise. */
const ABLATE = join(ROOT, 'bench', 'ablate.mjs');
const CONFIGURATIONS = [OFF, ...oursAt([100, 10]), ...options.with.map(parseExtraConfiguration)];
const MEASURED_ENDPOINTS = selectEndpoints(options.endpoint);
/** Percentiles reported, and the number of groups the slices are split into to show how much p99 moves. */
const PERCENTILES = [50, 90, 99, 99.9];
const GROUPS = 4;

/** Now in µs of the system's monotonic clock, the clock `bench/request-timer.mjs` uses in the apps. */
const microseconds = () => Number(process.hrtime.bigint() / 1000n);
let nextRequestId = 0;

/**
 * One request as an autocannon `requests` entry (`template`) describes it, to its response's end,
 * as `{ id, sent, ended }` in µs. Its id and send time go in headers for the app's request timer. A
 * kept-alive socket the app closed as it was reused (its idle timeout, while another configuration
 * had the load) is retried once on a new one, as Node's documentation advises.
 */
function send(agent, app, port, template) {
  const { method, path, headers = {}, body } = template.setupRequest ? template.setupRequest({ ...template }) : template;
  const options = { agent, host: '127.0.0.1', port, method, path };
  const attempt = (retried) =>
    new Promise((done, fail) => {
      const id = nextRequestId++;
      const sent = microseconds();
      const benchHeaders = { 'x-bench-id': String(id), 'x-bench-sent': String(sent) };
      const request = httpRequest(
        { ...options, headers: { ...headers, ...benchHeaders, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } },
        (response) => {
          response.on('data', () => {});
          response.on('end', () =>
            response.statusCode < 300
              ? done({ id, sent, ended: microseconds() })
              : fail(new Error(`${app.name}: ${method} ${path} answered ${response.statusCode}`)),
          );
        },
      );
      request.on('error', (error) => (!retried && request.reusedSocket && error.code === 'ECONNRESET' ? attempt(true).then(done, fail) : fail(error)));
      request.end(body);
    });
  return attempt(false);
}

/**
 * Sends `rate` requests per second for `seconds`, each when it is due (timers fire about once a
 * millisecond, so a due request waits at most about that long), and returns each one's `send` record.
 */
async function openLoad(agent, app, endpoint, rate, seconds) {
  const records = [];
  const failures = [];
  const pending = [];
  const total = Math.round(rate * seconds);
  // Read once per slice: the template's setupRequest makes each request's body.
  const [template] = endpoint.requests(app.state);
  const { port } = new URL(app.url);
  const start = performance.now();
  let sent = 0;
  await new Promise((done) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; sent < due; sent++) {
        // Caught here, so a failure waits for the slice's end instead of ending the process.
        pending.push(
          send(agent, app, port, template).then(
            (record) => records.push(record),
            (error) => failures.push(error),
          ),
        );
      }
      if (sent < total) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(pending);
  if (failures.length > 0) throw new Error(`${app.name}: ${endpoint.name} failed ${failures.length} of ${total} requests, first: ${failures[0].message}`);
  return records;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** What the app's request timer recorded since it was last asked; a request with `x-bench-dump` asks. */
async function appTimes(app) {
  rmSync(app.timesFile, { force: true });
  await (await fetch(`${app.url}/ping`, { headers: { 'x-bench-dump': '1' } })).arrayBuffer();
  return JSON.parse(readFileSync(app.timesFile, 'utf8'));
}

/**
 * Each request's latency split at the app's two timestamps, in ms: `toApp` from the client's send to
 * the app's server seeing it, `served` from there to the response's last byte handed to the socket,
 * `back` from there to the client's end of the response. `reached` is `toApp + served`: the latency
 * as far as the app could cause it. A request that waited over 5 ms to reach the app is checked
 * against the app's garbage collections, then its event-loop gaps (busy, or the main thread not
 * run); one served in over 1 ms against its garbage collections.
 */
function joinTimes(slices, { requests, collections: allCollections, gaps: allGaps }) {
  const records = slices.flat();
  // The totals count only what overlapped this configuration's own slices, not its idle turns.
  const windows = slices.map((slice) => [Math.min(...slice.map(({ sent }) => sent)), Math.max(...slice.map(({ ended }) => ended))]);
  const overlapping =
    (from, to) =>
    ([start, duration]) =>
      start < to && start + duration > from;
  const inSlices = (entry) => windows.some(([from, to]) => overlapping(from, to)(entry));
  const collections = allCollections.filter(inSlices);
  const gaps = allGaps.filter(inSlices);
  const byId = new Map(requests.map(([id, sent, started, finished]) => [id, { sent, started, finished }]));
  const duringGc = (from, to) => collections.some(overlapping(from, to));
  const gapDuring = (from, to) => gaps.find(overlapping(from, to));
  const split = [];
  const late = { count: 0, duringGc: 0, duringBusyGap: 0, duringIdleGap: 0 };
  const slow = { count: 0, duringGc: 0 };
  for (const { id, sent, ended } of records) {
    const app = byId.get(id);
    if (!app || app.sent !== sent) throw new Error(`request ${id}: the app's request timer has no matching record`);
    const toApp = (app.started - sent) / 1000;
    const served = (app.finished - app.started) / 1000;
    split.push({ toApp, served, back: (ended - app.finished) / 1000, reached: toApp + served });
    if (toApp > 5) {
      late.count++;
      const gap = gapDuring(sent, app.started);
      if (duringGc(sent, app.started)) late.duringGc++;
      else if (gap && gap[2] >= gap[1] / 2) late.duringBusyGap++;
      else if (gap) late.duringIdleGap++;
    }
    if (served > 1) {
      slow.count++;
      if (duringGc(app.started, app.finished)) slow.duringGc++;
    }
  }
  const byKind = {};
  for (const [, duration, kind] of collections) {
    const entry = (byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    entry.count++;
    entry.totalMs += duration / 1000;
    entry.maxMs = Math.max(entry.maxMs, duration / 1000);
  }
  const loopGaps = { busy: { count: 0, totalMs: 0 }, idle: { count: 0, totalMs: 0 } };
  for (const [, duration, cpu] of gaps) {
    const entry = cpu >= duration / 2 ? loopGaps.busy : loopGaps.idle;
    entry.count++;
    entry.totalMs += duration / 1000;
  }
  return { split, late, slow, garbageCollections: byKind, loopGaps };
}

/** `earlier`: a report of the same endpoints whose capacities set the rates; without it, each is measured on `apps[0]` (off). */
async function measure(apps, earlier = {}) {
  const report = {};
  // More sockets than the rate ever needs at once: a slow response never holds a due request back.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const slices = Math.ceil(SETTINGS.seconds / SETTINGS.sliceSeconds);
  for (const endpoint of MEASURED_ENDPOINTS) {
    for (const app of apps) await autocannon({ url: app.url, connections: SETTINGS.capacityConnections, duration: 3, requests: endpoint.requests(app.state) });
    const capacity =
      earlier[endpoint.name]?.capacity ??
      (await autocannon({ url: apps[0].url, connections: SETTINGS.capacityConnections, duration: 5, requests: endpoint.requests(apps[0].state) })).requests
        .average;
    const rate = Math.max(1, Math.round(capacity * SETTINGS.load));
    process.stderr.write(`${endpoint.name}: off serves ${Math.round(capacity)} req/s; ${rate} req/s, ${slices} slices of ${SETTINGS.sliceSeconds} s each\n`);
    // Garbage collections recorded during the warm-up are dropped, so the GC figures cover the slices only.
    await Promise.all(apps.map(appTimes));
    const cpu = () => apps.map((app) => ({ all: cpuTicks(app.child.pid), main: cpuTicks(app.child.pid, { mainThreadOnly: true }) }));
    const cpuBefore = cpu();
    const perSlice = apps.map(() => []);
    for (let slice = 0; slice < slices; slice++) {
      // Rotated, and reversed every other slice, so no configuration always follows the same one.
      const order = apps.map((_, turn) => (slice + turn) % apps.length);
      if (slice % 2 === 1) order.reverse();
      for (const index of order) perSlice[index].push(await openLoad(agent, apps[index], endpoint, rate, SETTINGS.sliceSeconds));
    }
    const cpuAfter = cpu();
    const times = await Promise.all(apps.map(appTimes));
    report[endpoint.name] = {
      capacity,
      rate,
      ...Object.fromEntries(
        apps.map((app, index) => {
          const mainMs = (cpuAfter[index].main - cpuBefore[index].main) * 10;
          const otherThreadsMs = (cpuAfter[index].all - cpuBefore[index].all) * 10 - mainMs;
          return [app.name, { ...summarise(perSlice[index], joinTimes(perSlice[index], times[index])), cpuMs: { main: mainMs, otherThreads: otherThreadsMs } }];
        }),
      ),
    };
  }
  agent.destroy();
  return report;
}

const sortedMs = (values) => Float64Array.from(values).sort();
const percentilesMs = (sorted) => Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, percentile(sorted, p)]));

/**
 * Pooled percentiles in ms of the client's latency, of the latency as far as the app (`reached`)
 * and of the app's own part (`served`); p99 of each group of consecutive slices, to show how far
 * it moves; how many responses took over 5 ms on their way back; and the garbage collections.
 */
function summarise(slices, { split, late, slow, garbageCollections, loopGaps }) {
  const latency = ({ sent, ended }) => (ended - sent) / 1000;
  const groupSize = Math.ceil(slices.length / GROUPS);
  const groups = Array.from({ length: GROUPS }, (_, group) => slices.slice(group * groupSize, (group + 1) * groupSize).flat()).filter(
    (group) => group.length > 0,
  );
  const share = (part, whole) => (whole === 0 ? 0 : part / whole);
  return {
    requests: split.length,
    clientMs: percentilesMs(sortedMs(slices.flat().map(latency))),
    clientP99PerGroupMs: groups.map((group) => percentile(sortedMs(group.map(latency)), 99)),
    reachedMs: percentilesMs(sortedMs(split.map(({ reached }) => reached))),
    servedMs: percentilesMs(sortedMs(split.map(({ served }) => served))),
    toAppOver5ms: share(late.count, split.length),
    toAppOver5msDuringGc: share(late.duringGc, late.count),
    toAppOver5msDuringBusyLoop: share(late.duringBusyGap, late.count),
    toAppOver5msWhileNotRun: share(late.duringIdleGap, late.count),
    servedOver1ms: share(slow.count, split.length),
    servedOver1msDuringGc: share(slow.duringGc, slow.count),
    backOver5ms: share(split.filter(({ back }) => back > 5).length, split.length),
    garbageCollections,
    loopGaps,
  };
}

function printTable(report) {
  const row = (cells, widths) =>
    `${cells.map((cell, index) => (index === 0 ? String(cell).padEnd(widths[0]) : String(cell).padStart(widths[index]))).join('')}\n`;
  const percent = (share) => `${(share * 100).toFixed(2)} %`;
  for (const [endpoint, { capacity, rate, ...configurations }] of Object.entries(report)) {
    process.stdout.write(`\n${endpoint}: ${rate} req/s (${Math.round((rate / capacity) * 100)} % of off's ${Math.round(capacity)}), latency in ms\n`);
    for (const [view, key, caption] of [
      ['client', 'clientMs', "the client's: send to the response's end"],
      ['reached', 'reachedMs', "as far as the app: the client's send to the app's last byte"],
      ['served', 'servedMs', "the app's part: its server seeing the request to its last byte"],
    ]) {
      process.stdout.write(`${view}, ${caption}\n`);
      const widths = [18, 9, ...PERCENTILES.map(() => 8), 11];
      process.stdout.write(row(['configuration', 'requests', ...PERCENTILES.map((p) => `p${p}`), 'p99 - off'], widths));
      const offP99 = configurations.off[key].p99;
      for (const [name, summary] of Object.entries(configurations)) {
        const values = PERCENTILES.map((p) => summary[key][`p${p}`].toFixed(2));
        process.stdout.write(row([name, summary.requests, ...values, (summary[key].p99 - offP99).toFixed(2)], widths));
      }
    }
    const widths = [18, 13, 8, 8, 10, 13, 8, 11, 26];
    process.stdout.write(
      row(['configuration', 'to app >5ms', 'in GC', 'busy', 'not run', 'served >1ms', 'in GC', 'back >5ms', 'client p99 per quarter'], widths),
    );
    for (const [name, summary] of Object.entries(configurations)) {
      const quarters = summary.clientP99PerGroupMs.map((value) => value.toFixed(2)).join(' ');
      const shares = [
        summary.toAppOver5ms,
        summary.toAppOver5msDuringGc,
        summary.toAppOver5msDuringBusyLoop,
        summary.toAppOver5msWhileNotRun,
        summary.servedOver1ms,
        summary.servedOver1msDuringGc,
        summary.backOver5ms,
      ];
      process.stdout.write(row([name, ...shares.map(percent), quarters], widths));
    }
    process.stdout.write(
      "event-loop gaps over 5 ms in the configuration's slices, busy (on the CPU) and not run: count, total ms; CPU ms of the main thread and of the others while the endpoint's slices ran\n",
    );
    for (const [name, { loopGaps, cpuMs }] of Object.entries(configurations)) {
      const gaps = `busy ${loopGaps.busy.count}, ${loopGaps.busy.totalMs.toFixed(1)}; not run ${loopGaps.idle.count}, ${loopGaps.idle.totalMs.toFixed(1)}`;
      process.stdout.write(`${name.padEnd(18)}${gaps}; CPU main ${cpuMs.main}, other threads ${cpuMs.otherThreads}\n`);
    }
    process.stdout.write("garbage collections in the configuration's slices: count, total ms, longest ms\n");
    for (const [name, { garbageCollections }] of Object.entries(configurations)) {
      const kinds = Object.entries(garbageCollections).map(
        ([kind, { count, totalMs, maxMs }]) => `${kind} ${count}, ${totalMs.toFixed(1)}, ${maxMs.toFixed(1)}`,
      );
      process.stdout.write(`${name.padEnd(18)}${kinds.join('; ')}\n`);
    }
  }
}

async function main() {
  await withBenchSetup({ root: ROOT, databasePrefix: 'bench_latency', emailPort: EMAIL_PORT }, async ({ env, receiver, apps }) => {
    const args = ['--import', REQUEST_TIMER, '--import', ABLATE, '--import', 'nestjs-tracing/register', USERS_API];
    const timesFile = (name) => join(RESULTS, `latency-times-${name}.json`);
    // `--peer NAME`: one of bench/peers.mjs's setups (`--peer otel-floor`: the SDK's own floor), after ours.
    const peers = peerConfigurations(USERS_API, receiver.url);
    for (const name of options.peer)
      if (!peers.some((peer) => peer.name === name)) throw new Error(`--peer ${name}: expected one of ${peers.map((peer) => peer.name).join(', ')}`);
    const configurations = [...CONFIGURATIONS, ...peers.filter((peer) => options.peer.includes(peer.name))].map((configuration) => ({
      ...configuration,
      ...(configuration.args ? { args: ['--import', REQUEST_TIMER, ...configuration.args] } : {}),
      env: { ...configuration.env, BENCH_REQUEST_TIMES: timesFile(configuration.name) },
    }));
    const start = async (some, firstPort) => {
      await startSeededApps(some, apps, { root: ROOT, args, env, firstPort, label: 'latency' });
      for (const app of apps) app.timesFile = timesFile(app.name);
    };
    let endpoints;
    if (!SETTINGS.alone) {
      // All start at once and wait idle on core 0 while another is measured.
      await start(configurations, FIRST_APP_PORT);
      endpoints = await measure(apps);
    } else {
      // One at a time, alone on core 0 (off first, whose capacity sets the rate): no other app's
      // timers, exports or garbage collection threads share the core with the measured one.
      endpoints = {};
      for (const [index, configuration] of configurations.entries()) {
        await start([configuration], FIRST_APP_PORT + index);
        const measured = await measure(apps, endpoints);
        for (const [name, { capacity, rate, ...byConfiguration }] of Object.entries(measured))
          endpoints[name] = { capacity, rate, ...endpoints[name], ...byConfiguration };
        await stopApp(apps.pop().child);
      }
    }
    const report = { date: new Date().toISOString(), node: process.version, settings: SETTINGS, endpoints };
    const file = join(RESULTS, `latency-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printTable(report.endpoints);
    process.stdout.write(`\nJSON: ${file}\n`);
  });
}

await main();
