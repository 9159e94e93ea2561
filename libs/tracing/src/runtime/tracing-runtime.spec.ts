import { jest } from '@jest/globals';
import { loadTracingConfig } from '../config/index.js';
import { DroppedSpans } from '../exporters/dropped-spans.js';
import { AttributeRedactor } from '../redaction/attribute-redactor.js';
import { AppSpanProcessors } from './app-span-processors.js';
import { tracingLogger } from './tracing-logger.js';
import { getTracingRuntime, type RuntimeOwner, setTracingRuntime, TracingRuntime } from './tracing-runtime.js';

function runtimeWith(provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> }, pending = 0, owner: RuntimeOwner = 'preload') {
  const warnings: string[] = [];
  const dropped = new DroppedSpans((message) => warnings.push(message));
  const runtime = new TracingRuntime(loadTracingConfig({ ENABLE_TRACING: 'true' }), owner, {
    provider,
    redactor: new AttributeRedactor(),
    dropped,
    apps: new AppSpanProcessors(),
    followsParent: true,
    pendingSpans: () => pending,
  });
  return { runtime, warnings };
}

const never = () => new Promise<void>(() => undefined);
const done = () => Promise.resolve();

describe('TracingRuntime', () => {
  let warn: jest.SpiedFunction<typeof tracingLogger.warn>;
  beforeEach(() => {
    warn = jest.spyOn(tracingLogger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
    setTracingRuntime(undefined);
  });

  it('counts the spans still queued when the shutdown deadline passes as dropped, and says so once', async () => {
    const { runtime, warnings } = runtimeWith({ forceFlush: never, shutdown: never }, 7);
    const started = Date.now();
    await runtime.shutdown(50);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(runtime.droppedSpans).toBe(7);
    expect(warnings).toEqual([expect.stringContaining('Dropped 7 span(s): shutdown did not finish within 50 ms')]);
  });

  it('logs a failed flush once and carries on', async () => {
    const { runtime } = runtimeWith({ forceFlush: () => Promise.reject(new Error('collector refused')), shutdown: done });
    runtime.attach([]);
    await runtime.detach(undefined, 100);
    expect(warn.mock.calls.map(([message]) => String(message))).toEqual(['Tracing flush failed: collector refused']);
    expect(runtime.isShutdown).toBe(false);
  });

  it('shuts down once, and withdraws itself as the running runtime', async () => {
    const shutdown = jest.fn(done);
    const { runtime } = runtimeWith({ forceFlush: done, shutdown });
    setTracingRuntime(runtime);
    const first = runtime.shutdown();
    expect(runtime.shutdown()).toBe(first);
    await first;
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(getTracingRuntime()).toBeUndefined();
  });

  it('stops a runtime a module started when its last app leaves, and only then', async () => {
    const shutdown = jest.fn(done);
    const { runtime } = runtimeWith({ forceFlush: done, shutdown }, 0, 'module');
    const first = runtime.attach([]);
    const second = runtime.attach([]);
    await runtime.detach(first);
    expect(shutdown).not.toHaveBeenCalled();
    await runtime.detach(second);
    expect(shutdown).toHaveBeenCalledTimes(1);
  });

  it('never stops a runtime the preload or a test started when apps leave', async () => {
    const shutdown = jest.fn(done);
    const { runtime } = runtimeWith({ forceFlush: done, shutdown }, 0, 'preload');
    await runtime.detach(runtime.attach([]));
    expect(shutdown).not.toHaveBeenCalled();
  });

  it('keeps the deadline the apps asked for for its own shutdown', async () => {
    const { runtime, warnings } = runtimeWith({ forceFlush: done, shutdown: never }, 3);
    runtime.attach([], { shutdownTimeoutMs: 30 });
    const started = Date.now();
    await runtime.shutdown();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(warnings).toEqual([expect.stringContaining('within 30 ms')]);
  });
});
