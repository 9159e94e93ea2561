/**
 * For `bench:latency`: `node --import ./bench/request-timer.mjs …` times, inside the app, each request
 * that carries an `x-bench-id` header, and writes the times to `BENCH_REQUEST_TIMES` (a file path)
 * when a request carries `x-bench-dump` (a signal would not do: Nest's shutdown hooks take SIGUSR2).
 * Loaded alike in every configuration, off included.
 *
 * Each record is the request's id, the client's send time (its `x-bench-sent` header), the moment
 * the app's HTTP server saw the request (`http.server.request.start`, just before its `request`
 * event) and the moment the response's last byte went to the socket (`finish`), all in µs of
 * `process.hrtime`, which is the system's monotonic clock and so the same in the client's process.
 * With the client's own end time, each request's latency splits into: reaching the app (the
 * network path, and waiting in the socket while the app's event loop was busy), served by the app,
 * and the response's way back to the client.
 *
 * Garbage collections are recorded too (start, duration in the same clock, and kind), so a slow
 * request can be checked for one that paused the app while it waited or was served.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';

const file = process.env.BENCH_REQUEST_TIMES;
if (!file) throw new Error('bench/request-timer.mjs: BENCH_REQUEST_TIMES (the file to write the times to) is not set');

const microseconds = () => Number(process.hrtime.bigint() / 1000n);
/** `performance.now()` (ms since this process began) plus this is `microseconds()`. */
const performanceToMonotonic = microseconds() - performance.now() * 1000;

const requests = [];
subscribe('http.server.request.start', ({ request, response }) => {
  if (request.headers['x-bench-dump'] !== undefined) return dump();
  const id = request.headers['x-bench-id'];
  if (id === undefined) return;
  const started = microseconds();
  response.once('finish', () => requests.push([Number(id), Number(request.headers['x-bench-sent']), started, microseconds()]));
});

const GC_KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MINOR_MARK_SWEEP]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
const collections = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    collections.push([performanceToMonotonic + entry.startTime * 1000, entry.duration * 1000, GC_KINDS[entry.detail.kind] ?? 'other']);
}).observe({ entryTypes: ['gc'] });

/**
 * Gaps in the event loop: a 1 ms timer that runs over 5 ms late records when the gap began, how
 * long it was, and how much of it the main thread spent on the CPU, which tells a busy loop from
 * a main thread the system did not run (the app's own GC threads share its one core here). The
 * timer runs in every configuration alike.
 */
const gaps = [];
let lastTick = microseconds();
let lastCpu = threadCpu();
setInterval(() => {
  const now = microseconds();
  const cpu = threadCpu();
  if (now - lastTick > 5000) gaps.push([lastTick, now - lastTick, cpu - lastCpu]);
  lastTick = now;
  lastCpu = cpu;
}, 1).unref();

function threadCpu() {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

/** Written before the app handles the request that asked, so the file is there when its response arrives. */
function dump() {
  writeFileSync(file, JSON.stringify({ requests, collections, gaps }));
  requests.length = 0;
  collections.length = 0;
  gaps.length = 0;
}
