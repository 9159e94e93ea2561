#!/usr/bin/env node
/**
 * `node bench/ledger.mjs bench/results/paired-*.json`: the cost ledger from paired runs made with
 * two runs of the whole, `whole-a` first and `whole-b` last, and parts switched off between them
 * (`--with 'whole-a:…' --with 'no-x:…' … --with 'whole-b:…'`). A part's cost is what the app saves
 * without it: the whole's CPU per request (the geometric mean of its two runs, which cancels the
 * start-order effect) minus the configuration's. Printed per endpoint, in µs and as a share of what
 * tracing adds to the untraced request.
 */
import { readFileSync } from 'node:fs';

const rows = new Map();
for (const file of process.argv.slice(2)) {
  const { endpoints } = JSON.parse(readFileSync(file, 'utf8'));
  for (const [endpoint, configurations] of Object.entries(endpoints)) {
    const { 'whole-a': a, 'whole-b': b, off } = configurations;
    if (!a || !b) throw new Error(`${file}: no whole-a and whole-b to weigh the parts against`);
    const whole = Math.sqrt(a.cpuMicrosPerRequest * b.cpuMicrosPerRequest);
    const added = whole - off.cpuMicrosPerRequest;
    for (const [name, { cpuMicrosPerRequest }] of Object.entries(configurations)) {
      if (!name.startsWith('no-')) continue;
      const saved = whole - cpuMicrosPerRequest;
      const row = rows.get(name) ?? {};
      row[endpoint] = `${saved.toFixed(1).padStart(7)} µs ${((saved / added) * 100).toFixed(0).padStart(4)} %`;
      rows.set(name, row);
    }
  }
}
const endpoints = [...new Set([...rows.values()].flatMap((row) => Object.keys(row)))];
process.stdout.write(`${'part switched off'.padEnd(18)}${endpoints.map((endpoint) => endpoint.padStart(22)).join('')}\n`);
for (const [name, row] of rows) process.stdout.write(`${name.padEnd(18)}${endpoints.map((endpoint) => (row[endpoint] ?? '').padStart(22)).join('')}\n`);
process.stdout.write('(µs of CPU saved per request, and the share of what tracing at 100 % adds to the untraced request)\n');
