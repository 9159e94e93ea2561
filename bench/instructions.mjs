#!/usr/bin/env node
/**
 * `npm run bench:instructions [-- --requests N --warmup N --endpoint NAME --configurations off,ours-100,ours-0 --with NAME[@DIR]:VAR=value,...]`:
 * CPU instructions per request of users-api under valgrind's callgrind, by default on `GET /users/:id`
 * with tracing off, ours at 100 % and ours at 0 %. It counts work, not time (cache misses and
 * syscalls' own cost are not in it), but its totals are not precise: the same configuration moved
 * by up to a third between runs, more when the machine was busy (likely timers and other per-second
 * work spread over fewer requests). Read it for where instructions go, function by function. The
 * app is warmed up uninstrumented, then counted for a fixed number of requests; `--single-threaded`
 * keeps V8's compiler and GC on the counted thread. After 8000 warm-up requests the compiler was
 * still ~45 % of the count, after 12000 ~10 %. `--with` adds configurations as `bench:paired`'s does
 * (with `--keep`, `NODE_OPTIONS=--perf-basic-prof` writes /tmp/perf-PID.map, which names the
 * JavaScript functions at the dumps' addresses); the first configuration is the one "x first"
 * compares with.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  benchEnvironment,
  createBenchDatabase,
  OFF,
  oursAt,
  parseExtraConfiguration,
  seedUser,
  selectEndpoints,
  startDiscardReceiver,
  waitForPing,
} from './harness.mjs';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '12000' },
    endpoint: { type: 'string', default: 'GET /users/:id' },
    configurations: { type: 'string', default: 'off,ours-100,ours-0' },
    with: { type: 'string', multiple: true, default: [] },
    keep: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const PORT = 3910;
const COMPILER = /v8::internal::compiler::|turboshaft|maglev/;
const STANDARD = [OFF, ...oursAt([100, 0])];
const standardNames = args.configurations === 'none' ? [] : args.configurations.split(',');
for (const name of standardNames)
  if (!STANDARD.some((configuration) => configuration.name === name))
    throw new Error(`--configurations ${args.configurations}: expected some of ${STANDARD.map((configuration) => configuration.name).join(',')}, or none`);
const CONFIGURATIONS = [...STANDARD.filter((configuration) => standardNames.includes(configuration.name)), ...args.with.map(parseExtraConfiguration)];
if (CONFIGURATIONS.length === 0) throw new Error('no configuration to count: give --configurations or --with');
const [ENDPOINT] = selectEndpoints([args.endpoint]);
// Under valgrind, configurations loaded through BENCH_ABLATE's module hooks counted ~300,000 more
// instructions per request (the SDK's unsampled floor and ours at 0 %; off did not), whatever they
// cut, cause not found: weigh parts by their own switches here.
for (const configuration of CONFIGURATIONS)
  if (configuration.env.BENCH_ABLATE)
    throw new Error(`--with ${configuration.name}: BENCH_ABLATE is not counted right under valgrind; use a part's own switch`);

/** Instructions per request of one configuration, counted between two callgrind_control toggles. */
async function countInstructions(configuration, env, outFile) {
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${outFile}`,
      process.execPath,
      '--single-threaded',
      '--import',
      'nestjs-tracing/register',
      'dist/apps/users-api/main.js',
    ],
    {
      cwd: configuration.root ?? ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: String(PORT), ...env, ...configuration.env },
      stdio: 'ignore',
    },
  );
  const exited = new Promise((done) => child.once('exit', done));
  try {
    const url = `http://127.0.0.1:${PORT}`;
    // Node under valgrind takes a minute or more to start.
    await waitForPing(url, Date.now() + 300_000, 500);
    const state = { run: `instr-${configuration.name}-${Date.now()}`, sequence: 0 };
    state.userId = await seedUser(url, `${state.run}@example.com`);
    const target = { url, requests: ENDPOINT.requests(state), connections: 10, timeout: 60 };
    await autocannon({ ...target, amount: WARMUP });
    execFileSync('callgrind_control', ['--instr=on', String(child.pid)], { stdio: 'ignore' });
    const result = await autocannon({ ...target, amount: REQUESTS });
    execFileSync('callgrind_control', ['--instr=off', String(child.pid)], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--dump', String(child.pid)], { stdio: 'ignore' });
    if (result.non2xx || result.errors) throw new Error(`${configuration.name}: ${result.non2xx + result.errors} failed requests`);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  const dumps = execFileSync('sh', ['-c', `ls ${outFile}*`], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const counts = dumps.map(countDump);
  // `--keep` leaves the dumps in bench/results/ for callgrind_annotate (functions by instructions).
  for (const file of dumps) if (!args.keep || statSync(file).size === 0) rmSync(file);
  return {
    total: counts.reduce((sum, count) => sum + count.total, 0) / REQUESTS,
    compiler: counts.reduce((sum, count) => sum + count.compiler, 0) / REQUESTS,
  };
}

/**
 * V8's optimising compilers may still be at work in the counted window, more in one run than in
 * another; a 10 s bench run amortises that warm-up, so it is reported apart.
 */
function countDump(file) {
  // The file named without a suffix is the one written at exit, empty after the SIGKILL.
  if (statSync(file).size === 0) return { total: 0, compiler: 0 };
  const lines = execFileSync('callgrind_annotate', ['--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).split('\n');
  let compiler = 0;
  for (const line of lines) {
    const match = line.match(/^\s*([\d,]+) \([\s\d.]+%\)\s+(.*)$/);
    if (match && COMPILER.test(match[2])) compiler += Number(match[1].replaceAll(',', ''));
  }
  return { total: Number(readFileSync(file, 'utf8').match(/^totals: (\d+)/m)?.[1] ?? 0), compiler };
}

async function main() {
  const receiver = await startDiscardReceiver();
  const database = await createBenchDatabase('bench_instr');
  const env = benchEnvironment({
    databaseUrl: database.url,
    receiverUrl: receiver.url,
    emailServiceUrl: 'http://127.0.0.1:9',
    // No outbox delivery attempts (to the absent email service) while counting: only the requests.
    outboxPollMs: 3_600_000,
  });
  const counts = {};
  try {
    for (const configuration of CONFIGURATIONS) {
      process.stderr.write(`counting ${configuration.name} (${WARMUP} warm-up + ${REQUESTS} counted requests)\n`);
      counts[configuration.name] = await countInstructions(
        configuration,
        env,
        join(args.keep ? RESULTS : tmpdir(), `callgrind-${configuration.name}-${process.pid}.out`),
      );
    }
  } finally {
    receiver.server.close();
    await database.drop();
  }
  const format = (value) => Math.round(value).toLocaleString('en').padStart(11);
  const [first] = CONFIGURATIONS;
  const firstRest = counts[first.name].total - counts[first.name].compiler;
  process.stdout.write(`\n${ENDPOINT.name}, instructions per request (callgrind); "x ${first.name}": the throughput ratio they imply\n`);
  process.stdout.write(
    `${'configuration'.padEnd(18)}${'total'.padStart(11)}${'compiler'.padStart(11)}${'rest'.padStart(11)}${'rest added'.padStart(11)}  x ${first.name}\n`,
  );
  for (const { name } of CONFIGURATIONS) {
    const { total, compiler } = counts[name];
    const rest = total - compiler;
    process.stdout.write(`${name.padEnd(18)}${format(total)}${format(compiler)}${format(rest)}${format(rest - firstRest)}  ${(firstRest / rest).toFixed(3)}\n`);
  }
}

await main();
