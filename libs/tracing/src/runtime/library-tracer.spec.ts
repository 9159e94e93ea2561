import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { loadTracingConfig } from '../config/index.js';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { assembleRuntime } from './assemble-runtime.js';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { isUnsampled, libraryTracer } from './library-tracer.js';

const remote = (traceFlags: TraceFlags) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags, isRemote: true });

describe('library tracer', () => {
  let tracing: TestTracing;
  afterEach(() => tracing.shutdown());

  it('follows a provider swap instead of feeding the old provider', async () => {
    tracing = setupTestTracing();
    const first = libraryTracer();
    expect(libraryTracer()).toBe(first);
    await tracing.shutdown();
    tracing = setupTestTracing();
    libraryTracer().startSpan('after-swap').end();
    expect(tracing.spans().map((span) => span.name)).toEqual(['after-swap']);
    expect(tracing.spans()[0].instrumentationScope).toMatchObject({ name: 'nestjs-tracing', version: '0.1.0' });
  });

  it('treats only an unsampled parent as unsampled, not an ended one', () => {
    tracing = setupTestTracing();
    const ended = libraryTracer().startSpan('request');
    ended.end();
    expect(isUnsampled(trace.setSpan(context.active(), ended))).toBe(false);
    expect(isUnsampled(remote(TraceFlags.SAMPLED))).toBe(false);
    expect(isUnsampled(remote(TraceFlags.NONE))).toBe(true);
    expect(isUnsampled(ROOT_CONTEXT)).toBe(false);
  });

  it('never skips children when OTEL_TRACES_SAMPLER decides each span regardless of its parent', async () => {
    tracing = setupTestTracing();
    await tracing.shutdown();
    const runtimeFor = (sampler: string) =>
      assembleRuntime({
        config: loadTracingConfig({ ENABLE_TRACING: 'true', TRACING_EXPORTER: 'none', OTEL_TRACES_SAMPLER: sampler }),
        owner: 'test',
        resource: emptyResource(),
        exportProcessors: () => [],
        instrumentations: [],
        propagator: new W3CTraceContextPropagator(),
        warn: () => undefined,
      });
    const alwaysOn = runtimeFor('always_on');
    expect(isUnsampled(remote(TraceFlags.NONE))).toBe(false);
    await alwaysOn.shutdown();
    const parentBased = runtimeFor('parentbased_always_on');
    expect(isUnsampled(remote(TraceFlags.NONE))).toBe(true);
    await parentBased.shutdown();
  });
});
