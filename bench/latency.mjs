#!/usr/bin/env node
/**
 * `npm run bench:latency [-- --seconds N --slice N --load 0.25 --endpoint NAME --with NAME[@DIR]:VAR=value,...]`:
 * latency at moderate load, where `npm run bench` and `bench:paired` load the app to saturation.
 * Per endpoint, the untraced app's capacity is measured first (requests per second at 10
 * connections); then off, ours at 100 % and ours at 10 % are each sent that capacity × `--load` at
 * a fixed rate, in short slices taken in turn (off, 100 %, 10 %, 100 %, 10 %, off, ...), until each
 * has had `--seconds` of load. A spell of the VM's own jitter then lands on every configuration
 * alike instead of on whichever one ran in it, which moved a 10 s round's p99 by 4-25 ms here.
 *
 * The load is open: a request is sent when it is due, whether or not earlier ones have been
 * answered, so a stall of the app shows as the latency of every request sent during it. Each
 * request's latency is taken from its send to the end of its response with `performance.now()`,
 * in µs, and all of a configuration's latencies are pooled for its percentiles.
 *
 * The app's own view is reported beside it: the share of the endpoint's requests that its
 * `http_request_duration_seconds` histogram (from the HTTP server's `request` event to the response's
 * close, every configuration, off included) put within 1 ms and within 5 ms during the slices. Here
 * the client saw stalls of 20-100 ms on 1-2 % of requests, off included, that neither the app's
 * histogram and event loop nor the client's own timers saw. The histogram starts at the `request`
 * event: time a request spent in the socket while the app's event loop was busy is not in it.
 */
import { writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { OFF, oursAt, parseExtraConfiguration, selectEndpoints, startSeededApps, withBenchSetup } from './harness.mjs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '40' },
    slice: { type: 'string', default: '1' },
    load: { type: 'string', default: '0.25' },
    endpoint: { type: 'string', multiple: true, default: [] },
    with: { type: 'string', multiple: true, default: [] },
  },
});
const SETTINGS = { seconds: Number(args.seconds), sliceSeconds: Number(args.slice), load: Number(args.load), capacityConnections: 10 };
if (!(SETTINGS.load > 0 && SETTINGS.load < 1)) throw new Error(`--load ${args.load}: expected a fraction of capacity between 0 and 1`);
if (!(SETTINGS.sliceSeconds > 0 && SETTINGS.sliceSeconds <= SETTINGS.seconds)) throw new Error(`--slice ${args.slice}: expected seconds, at most --seconds`);
const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const EMAIL_PORT = 3951;
const FIRST_APP_PORT = 3952;
/** Cuts parts out of the library when a configuration's `BENCH_ABLATE` names them; nothing otherwise. */
const ABLATE = join(ROOT, 'bench', 'ablate.mjs');
const CONFIGURATIONS = [OFF, ...oursAt([100, 10]), ...args.with.map(parseExtraConfiguration)];
const MEASURED_ENDPOINTS = selectEndpoints(args.endpoint);
/** Percentiles reported, and the number of groups the slices are split into to show how much p99 moves. */
const PERCENTILES = [50, 90, 99, 99.9];
const GROUPS = 4;

/**
 * One request as an autocannon `requests` entry (`template`) describes it, to its response's end. A kept-alive
 * socket the app closed as it was reused (its idle timeout, while another configuration had the
 * load) is retried once on a new one, as Node's documentation advises.
 */
function send(agent, app, port, template) {
  const { method, path, headers = {}, body } = template.setupRequest ? template.setupRequest({ ...template }) : template;
  const options = {
    agent,
    host: '127.0.0.1',
    port,
    method,
    path,
    headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers,
  };
  const attempt = (retried) =>
    new Promise((done, fail) => {
      const request = httpRequest(options, (response) => {
        response.on('data', () => {});
        response.on('end', () => (response.statusCode < 300 ? done() : fail(new Error(`${app.name}: ${method} ${path} answered ${response.statusCode}`))));
      });
      request.on('error', (error) => (!retried && request.reusedSocket && error.code === 'ECONNRESET' ? attempt(true).then(done, fail) : fail(error)));
      request.end(body);
    });
  return attempt(false);
}

/**
 * Sends `rate` requests per second for `seconds`, each when it is due (timers fire about once a
 * millisecond, so a due request waits at most about that long), and returns their latencies in ms.
 */
async function openLoad(agent, app, endpoint, rate, seconds) {
  const latencies = [];
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
        const sentAt = performance.now();
        // Caught here, so a failure waits for the slice's end instead of ending the process.
        pending.push(
          send(agent, app, port, template).then(
            () => latencies.push(performance.now() - sentAt),
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
  return latencies;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The app's request histogram for one route: cumulative counts by upper bound (seconds), summed over methods and statuses. */
async function routeHistogram(app, route) {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const counts = new Map();
  for (const line of text.split('\n')) {
    const match = line.match(/^http_request_duration_seconds_bucket\{(.*)\} (\d+)$/);
    if (!match || !match[1].includes(`route="${route}"`)) continue;
    const bound = match[1].match(/le="([^"]+)"/)[1];
    counts.set(bound, (counts.get(bound) ?? 0) + Number(match[2]));
  }
  return counts;
}

/** Shares of the requests between two scrapes that the app served within 1 ms and within 5 ms. */
function appShares(before, after) {
  const delta = (bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const total = delta('+Inf');
  return { requests: total, within1ms: delta('0.001') / total, within5ms: delta('0.005') / total };
}

async function measure(apps) {
  const report = {};
  // More sockets than the rate ever needs at once: a slow response never holds a due request back.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const slices = Math.ceil(SETTINGS.seconds / SETTINGS.sliceSeconds);
  for (const endpoint of MEASURED_ENDPOINTS) {
    for (const app of apps) await autocannon({ url: app.url, connections: SETTINGS.capacityConnections, duration: 3, requests: endpoint.requests(app.state) });
    const capacity = (
      await autocannon({ url: apps[0].url, connections: SETTINGS.capacityConnections, duration: 5, requests: endpoint.requests(apps[0].state) })
    ).requests.average;
    const rate = Math.max(1, Math.round(capacity * SETTINGS.load));
    process.stderr.write(`${endpoint.name}: off serves ${Math.round(capacity)} req/s; ${rate} req/s, ${slices} slices of ${SETTINGS.sliceSeconds} s each\n`);
    const perSlice = apps.map(() => []);
    const route = endpoint.name.split(' ')[1];
    const histogramsBefore = await Promise.all(apps.map((app) => routeHistogram(app, route)));
    for (let slice = 0; slice < slices; slice++) {
      // Rotated, and reversed every other slice, so no configuration always follows the same one.
      const order = apps.map((_, turn) => (slice + turn) % apps.length);
      if (slice % 2 === 1) order.reverse();
      for (const index of order) perSlice[index].push(await openLoad(agent, apps[index], endpoint, rate, SETTINGS.sliceSeconds));
    }
    const histogramsAfter = await Promise.all(apps.map((app) => routeHistogram(app, route)));
    report[endpoint.name] = {
      capacity,
      rate,
      ...Object.fromEntries(
        apps.map((app, index) => [app.name, { ...summarise(perSlice[index]), app: appShares(histogramsBefore[index], histogramsAfter[index]) }]),
      ),
    };
  }
  agent.destroy();
  return report;
}

/** Pooled percentiles in ms, and p99 of each group of consecutive slices, to show how far it moves. */
function summarise(slices) {
  const sorted = (latencies) => Float64Array.from(latencies).sort();
  const all = sorted(slices.flat());
  const groupSize = Math.ceil(slices.length / GROUPS);
  const groups = Array.from({ length: GROUPS }, (_, group) => slices.slice(group * groupSize, (group + 1) * groupSize).flat()).filter(
    (group) => group.length > 0,
  );
  return {
    requests: all.length,
    percentilesMs: Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, percentile(all, p)])),
    p99PerGroupMs: groups.map((group) => percentile(sorted(group), 99)),
  };
}

function printTable(report) {
  for (const [endpoint, { capacity, rate, ...configurations }] of Object.entries(report)) {
    process.stdout.write(`\n${endpoint}: ${rate} req/s (${Math.round((rate / capacity) * 100)} % of off's ${Math.round(capacity)}), latency in ms\n`);
    process.stdout.write(
      `${'configuration'.padEnd(18)}${'requests'.padStart(9)}${PERCENTILES.map((p) => `p${p}`.padStart(8)).join('')}${'p99 - off'.padStart(11)}${'app ≤1ms'.padStart(10)}${'app ≤5ms'.padStart(10)}   p99 per quarter\n`,
    );
    const offP99 = configurations.off.percentilesMs.p99;
    for (const [name, { requests, percentilesMs, p99PerGroupMs, app }] of Object.entries(configurations)) {
      const values = PERCENTILES.map((p) => percentilesMs[`p${p}`].toFixed(2).padStart(8)).join('');
      const groups = p99PerGroupMs.map((value) => value.toFixed(2)).join(' ');
      const shares = [app.within1ms, app.within5ms].map((share) => `${(share * 100).toFixed(2)} %`.padStart(10)).join('');
      process.stdout.write(
        `${name.padEnd(18)}${String(requests).padStart(9)}${values}${(percentilesMs.p99 - offP99).toFixed(2).padStart(11)}${shares}   ${groups}\n`,
      );
    }
  }
}

async function main() {
  await withBenchSetup({ root: ROOT, databasePrefix: 'bench_latency', emailPort: EMAIL_PORT }, async ({ env, apps }) => {
    // All start at once and wait idle on core 0 while another is measured.
    const args = ['--import', ABLATE, '--import', 'nestjs-tracing/register', 'dist/apps/users-api/main.js'];
    await startSeededApps(CONFIGURATIONS, apps, { root: ROOT, args, env, firstPort: FIRST_APP_PORT, label: 'latency' });
    const report = { date: new Date().toISOString(), node: process.version, settings: SETTINGS, endpoints: await measure(apps) };
    const file = join(RESULTS, `latency-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printTable(report.endpoints);
    process.stdout.write(`\nJSON: ${file}\n`);
  });
}

await main();
