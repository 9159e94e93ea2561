#!/usr/bin/env node
/**
 * `npm run bench:allocations [-- --endpoint NAME --seconds N --top N --with NAME[@DIR]:VAR=value,...]`:
 * heap bytes the app allocates per request, and where, for tracing off and ours at 100 %
 * (`bench/allocation-sampler.mjs`, V8's sampling heap profiler with freed objects counted). What a
 * request allocates is what the garbage collector must then clear: at moderate load the latency
 * tail is mostly collections (`bench:latency`), so this says what each configuration gives it to do.
 * Each app is warmed up, then profiled for `--seconds` of load; the sites are functions, with V8's
 * built-ins (`Map`, `WeakSet`, iterators) charged to the JavaScript function that called them, and
 * each configuration's are listed against the first's. A sample stands for ~4 KiB, so a site under
 * ~100 bytes per request is noise; the total repeats to a few per cent.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { OFF, oursAt, parseExtraConfiguration, selectEndpoints, startSeededApps, withBenchSetup } from './harness.mjs';

const { values: args } = parseArgs({
  options: {
    endpoint: { type: 'string', default: 'GET /users/:id' },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '25' },
    with: { type: 'string', multiple: true, default: [] },
  },
});
const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const EMAIL_PORT = 3931;
const FIRST_APP_PORT = 3932;
const SAMPLER = join(ROOT, 'bench', 'allocation-sampler.mjs');
const [ENDPOINT] = selectEndpoints([args.endpoint]);
const CONFIGURATIONS = [OFF, ...oursAt([100]), ...args.with.map(parseExtraConfiguration)];

/** Bytes per request by allocation site, from a sampling heap profile. */
function bytesBySite(profile, requests) {
  const sites = new Map();
  let total = 0;
  const label = ({ functionName, url, lineNumber }) =>
    `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}/`, '')}:${lineNumber + 1}`;
  const walk = (node, caller) => {
    // A built-in has no url; the JavaScript function that called it is the site worth naming.
    const site = node.callFrame.url || !caller ? label(node.callFrame) : `${node.callFrame.functionName || '(built-in)'} in ${label(caller)}`;
    total += node.selfSize;
    if (node.selfSize > 0) sites.set(site, (sites.get(site) ?? 0) + node.selfSize / requests);
    for (const child of node.children) walk(child, node.callFrame.url ? node.callFrame : caller);
  };
  walk(profile.head, undefined);
  return { perRequest: total / requests, sites };
}

async function profileApp(app) {
  const command = (value) => fetch(`${app.url}/ping`, { headers: { 'x-bench-allocations': value } }).then((response) => response.arrayBuffer());
  await autocannon({ url: app.url, connections: 4, duration: 5, requests: ENDPOINT.requests(app.state) });
  await command('reset');
  await autocannon({ url: app.url, connections: 4, duration: Number(args.seconds), requests: ENDPOINT.requests(app.state) });
  await command('dump');
  const { requests, profile } = JSON.parse(readFileSync(app.allocationsFile, 'utf8'));
  return bytesBySite(profile, requests);
}

function print(results) {
  const [first, ...others] = results;
  process.stdout.write(`\n${ENDPOINT.name}, heap bytes allocated per request\n`);
  for (const { name, perRequest } of results) process.stdout.write(`${name.padEnd(18)}${(perRequest / 1024).toFixed(1).padStart(8)} KiB\n`);
  for (const result of others) {
    process.stdout.write(`\n${result.name} against ${first.name}: ${((result.perRequest - first.perRequest) / 1024).toFixed(1)} KiB more, by site (bytes)\n`);
    const names = new Set([...first.sites.keys(), ...result.sites.keys()]);
    const differences = [...names].map((site) => [site, (result.sites.get(site) ?? 0) - (first.sites.get(site) ?? 0)]);
    differences.sort((a, b) => b[1] - a[1]);
    for (const [site, bytes] of differences.slice(0, Number(args.top))) process.stdout.write(`${bytes.toFixed(0).padStart(8)}  ${site}\n`);
  }
}

async function main() {
  await withBenchSetup({ root: ROOT, databasePrefix: 'bench_allocations', emailPort: EMAIL_PORT }, async ({ env, apps }) => {
    const args = ['--import', SAMPLER, '--import', 'nestjs-tracing/register', 'dist/apps/users-api/main.js'];
    const file = (name) => join(RESULTS, `allocations-${name}.json`);
    const configurations = CONFIGURATIONS.map((configuration) => ({
      ...configuration,
      env: { ...configuration.env, BENCH_ALLOCATIONS: file(configuration.name) },
    }));
    await startSeededApps(configurations, apps, { root: ROOT, args, env, firstPort: FIRST_APP_PORT, label: 'allocations' });
    const results = [];
    for (const app of apps) {
      app.allocationsFile = file(app.name);
      results.push({ name: app.name, ...(await profileApp(app)) });
    }
    print(results);
  });
}

await main();
