#!/usr/bin/env node
/**
 * `npm run bench:instructions [-- --requests N --warmup N]`: CPU instructions per `GET /users/:id`
 * of users-api under valgrind's callgrind, tracing off, ours at 100 % and ours at 0 %. Unlike
 * req/s on a shared VM, whose speed here drifted 2-3x within minutes, the count repeats to a few
 * per cent (it counts work, not time: cache misses and syscalls' own cost are not in it). The app
 * is warmed up uninstrumented, then counted for a fixed number of requests; `--single-threaded`
 * keeps V8's compiler and GC on the counted thread. After 8000 warm-up requests the compiler was
 * still ~45 % of the count, after 12000 ~10 %.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchEnvironment, createBenchDatabase, seedUser, startDiscardReceiver, waitForPing } from './harness.mjs';

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '3000' }, warmup: { type: 'string', default: '12000' } },
});
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const ROOT = resolve(import.meta.dirname, '..');
const PORT = 3910;
const COMPILER = /v8::internal::compiler::|turboshaft|maglev/;
const CONFIGURATIONS = [
  { name: 'off', env: { ENABLE_TRACING: 'false' } },
  { name: 'ours-100', env: { ENABLE_TRACING: 'true', TRACING_SAMPLE_RATE: '1' } },
  { name: 'ours-0', env: { ENABLE_TRACING: 'true', TRACING_SAMPLE_RATE: '0' } },
];

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
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: String(PORT), ...env, ...configuration.env },
      stdio: 'ignore',
    },
  );
  const exited = new Promise((done) => child.once('exit', done));
  try {
    const url = `http://127.0.0.1:${PORT}`;
    // Node under valgrind takes a minute or more to start.
    await waitForPing(url, Date.now() + 300_000, 500);
    const userId = await seedUser(url, `instr-${configuration.name}-${Date.now()}@example.com`);
    const target = { url: `${url}/users/${userId}`, connections: 10, timeout: 60 };
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
  for (const file of dumps) rmSync(file);
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
      counts[configuration.name] = await countInstructions(configuration, env, join(tmpdir(), `callgrind-${configuration.name}-${process.pid}.out`));
    }
  } finally {
    receiver.server.close();
    await database.drop();
  }
  const format = (value) => Math.round(value).toLocaleString('en').padStart(11);
  process.stdout.write('\nGET /users/:id, instructions per request (callgrind); "x off": the throughput ratio they imply\n');
  process.stdout.write(
    `${'configuration'.padEnd(14)}${'total'.padStart(11)}${'compiler'.padStart(11)}${'rest'.padStart(11)}${'rest added'.padStart(11)}  x off\n`,
  );
  for (const { name } of CONFIGURATIONS) {
    const { total, compiler } = counts[name];
    const rest = total - compiler;
    const offRest = counts.off.total - counts.off.compiler;
    process.stdout.write(`${name.padEnd(14)}${format(total)}${format(compiler)}${format(rest)}${format(rest - offRest)}  ${(offRest / rest).toFixed(3)}\n`);
  }
}

await main();
