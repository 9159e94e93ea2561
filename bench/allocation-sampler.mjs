/**
 * For `bench:allocations`: `node --import ./bench/allocation-sampler.mjs …` samples the app's heap
 * allocations with V8's sampling heap profiler, counting objects that garbage collection has
 * already freed too (by default the profiler keeps only live ones), so the profile is what the app
 * allocates, not what it keeps. A request with `x-bench-allocations: reset` starts a new profile
 * and `x-bench-allocations: dump` writes it, with the number of requests in between, to
 * `BENCH_ALLOCATIONS` (a file path) before the app handles that request.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.BENCH_ALLOCATIONS;
if (!file) throw new Error('bench/allocation-sampler.mjs: BENCH_ALLOCATIONS (the file to write the profile to) is not set');

/** One sample per 4 KiB allocated on average: a few samples per request, a small slowdown. */
const SAMPLING = { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
const session = new Session();
session.connect();
session.post('HeapProfiler.startSampling', SAMPLING);

let requests = 0;
subscribe('http.server.request.start', ({ request }) => {
  const command = request.headers['x-bench-allocations'];
  if (command === 'reset') {
    // The inspector's session answers a call synchronously in the same thread.
    session.post('HeapProfiler.stopSampling', () => session.post('HeapProfiler.startSampling', SAMPLING));
    requests = 0;
  } else if (command === 'dump') {
    session.post('HeapProfiler.getSamplingProfile', (error, result) => {
      if (error) throw error;
      writeFileSync(file, JSON.stringify({ requests, profile: result.profile }));
    });
  } else requests++;
});
