#!/usr/bin/env node
/**
 * `node bench/ledger.mjs bench/results/paired-*.json`: what paired runs measured, with the start-order
 * effect and the rounds' swings cancelled. Everything is taken per round against off of the same
 * round (a round moved every configuration by up to ±20 % alike), then the median over rounds. A
 * configuration run twice, `NAME-a` early and `NAME-b` late (ABBA), counts in each round as the
 * geometric mean of its two runs. When a run has a `whole` (`whole-a` … `whole-b`) and parts
 * switched off between them (`no-x`), each part's cost is what the app saves without it: in µs of
 * off's CPU per request, and as a share of what the whole adds to off. `--against NAME` takes
 * every ratio against that configuration instead of off (`--against offnm`: tracing off with the
 * metrics cut too).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { median } from './report.mjs';

const { values: options, positionals: files } = parseArgs({ options: { against: { type: 'string', default: 'off' } }, allowPositionals: true });

/** Per configuration, its × off in each round, with `NAME-a`/`NAME-b` merged into `NAME`. */
function ratiosByRound(configurations) {
  const merged = {};
  for (const [name, { ratiosToOff }] of Object.entries(configurations)) {
    const base = name.replace(/-[ab]$/, '');
    if (base in merged) continue;
    const pair = base !== name ? [configurations[`${base}-a`], configurations[`${base}-b`]] : [];
    merged[base] =
      pair.length === 2 && pair.every(Boolean) ? pair[0].ratiosToOff.map((ratio, round) => Math.sqrt(ratio * pair[1].ratiosToOff[round])) : ratiosToOff;
  }
  return merged;
}

for (const file of files) {
  const { date, settings, endpoints } = JSON.parse(readFileSync(file, 'utf8'));
  process.stdout.write(`\n${file} (${date}, ${settings.rounds} rounds of ${settings.seconds} s)\n`);
  for (const [endpoint, configurations] of Object.entries(endpoints)) {
    const offMicros = configurations.off.cpuMicrosPerRequest;
    const byRound = ratiosByRound(configurations);
    const reference = byRound[options.against];
    if (!reference) throw new Error(`${file}: no configuration ${options.against} to take ratios against`);
    const ratios = Object.fromEntries(Object.entries(byRound).map(([name, perRound]) => [name, perRound.map((ratio, round) => ratio / reference[round])]));
    const whole = ratios.whole;
    process.stdout.write(`\n${endpoint} (off: ${offMicros.toFixed(1)} µs)\n`);
    process.stdout.write(`${'configuration'.padEnd(22)}${`x ${options.against}`.padStart(8)}${'saves µs'.padStart(10)}${'share'.padStart(7)}   per round\n`);
    for (const [name, perRound] of Object.entries(ratios)) {
      let part = '';
      if (name.startsWith('no-') && whole) {
        const saved = median(perRound.map((ratio, round) => offMicros * (1 / whole[round] - 1 / ratio)));
        const added = median(whole.map((ratio) => offMicros * (1 / ratio - 1)));
        part = `${saved.toFixed(1).padStart(10)}${`${((saved / added) * 100).toFixed(0)} %`.padStart(7)}`;
      }
      const rounds = perRound.map((ratio) => ratio.toFixed(3)).join(' ');
      process.stdout.write(`${name.padEnd(22)}${median(perRound).toFixed(3).padStart(8)}${part.padEnd(17)}   ${rounds}\n`);
    }
  }
}
process.stdout.write("\n(saves: CPU per request without the part, at off's µs; share: of what the whole adds to off)\n");
