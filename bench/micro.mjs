/**
 * Nanoseconds per call of the library's wrappers against a bare `tracer.startActiveSpan`, in this
 * process with the library's real SDK (preload, processors, redaction) and no exporter.
 */
import { trace } from '@opentelemetry/api';

const BATCHES = 7;

async function nsPerCall(iterations, run) {
  for (let index = 0; index < iterations / 10; index++) await run();
  const samples = [];
  for (let batch = 0; batch < BATCHES; batch++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < iterations; index++) await run();
    samples.push(Number(process.hrtime.bigint() - started) / iterations);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

function syncNsPerCall(iterations, run) {
  for (let index = 0; index < iterations / 10; index++) run();
  const samples = [];
  for (let batch = 0; batch < BATCHES; batch++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < iterations; index++) run();
    samples.push(Number(process.hrtime.bigint() - started) / iterations);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

export async function runMicroBenchmarks({ quick }) {
  Object.assign(process.env, { ENABLE_TRACING: 'true', TRACING_EXPORTER: 'none', OTEL_SERVICE_NAME: 'micro-bench' });
  await import('nestjs-tracing/register');
  const { Span } = await import('nestjs-tracing');
  const { withSpan } = await import('nestjs-tracing/context');
  const tracer = trace.getTracer('bench');

  class Work {
    sync(value) {
      return value + 1;
    }
    async async(value) {
      return value + 1;
    }
  }
  for (const name of ['sync', 'async']) {
    const descriptor = Object.getOwnPropertyDescriptor(Work.prototype, name);
    Object.defineProperty(Work.prototype, name, Span()(Work.prototype, name, descriptor) ?? descriptor);
  }
  const work = new Work();
  const iterations = quick ? 20_000 : 200_000;

  const bareSync = syncNsPerCall(iterations, () =>
    tracer.startActiveSpan('bare', (span) => {
      span.end();
      return 1;
    }),
  );
  const spanSync = syncNsPerCall(iterations, () => work.sync(1));
  const withSpanSync = syncNsPerCall(iterations, () => withSpan('with', {}, () => 1));
  const bareAsync = await nsPerCall(iterations, () =>
    tracer.startActiveSpan('bare', async (span) => {
      span.end();
      return 1;
    }),
  );
  const spanAsync = await nsPerCall(iterations, () => work.async(1));
  return {
    iterations,
    nsPerCall: { bareSync, spanSync, withSpanSync, bareAsync, spanAsync },
  };
}
