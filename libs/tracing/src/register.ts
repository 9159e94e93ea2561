/**
 * The preload: `node --import nestjs-tracing/register dist/apps/<app>/main.js`.
 *
 * Instrumentations patch `http`, `pg`, `ioredis`... when those are first loaded, so the SDK must
 * start before the app is imported. Everything that could load an instrumented module is imported
 * dynamically, after the module hooks are in place.
 */
import Module from 'node:module';
import { exitOnConfigError, loadTracingConfig } from './config/index.js';
import { tracingOffHint } from './config/standard-names.js';
import { hookedSpecifiers } from './instrumentation/instrumentations.js';
import { registerModuleHooks } from './instrumentation/module-hooks.js';
import { chooseInstrumentations, readPreloadOptions, type TracingPreloadOptions } from './instrumentation/preload-options.js';
import type { TracingConfig } from './config/tracing-config.js';
import { unsupportedNode } from './runtime/node-version.js';

/** A bad setting, or a missing package a setting needs, stops the process with one line. */
function stopOnConfigError(error: unknown): never {
  return exitOnConfigError(error, 'tracing');
}

function loadConfigOrExit(): TracingConfig {
  try {
    return loadTracingConfig();
  } catch (error) {
    stopOnConfigError(error);
  }
}

const config = loadConfigOrExit();
// The app runs untraced on any Node.js it runs on; only tracing needs the SDK's minimum.
const unsupported = config.enabled ? unsupportedNode() : undefined;
if (unsupported) {
  process.stderr.write(`[tracing] ${unsupported}\n`);
  process.exit(1);
}
const hint = config.enabled ? undefined : tracingOffHint(process.env);
if (hint) process.stderr.write(`[tracing] ${hint}\n`);
// Before the options file, whose instrumentations may hook `require` as they are built.
const unhookedRequire = Module.prototype.require;
const options: TracingPreloadOptions = config.enabled ? await readPreloadOptions().catch(stopOnConfigError) : {};
const chosen = chooseInstrumentations(config, options);
if (config.enabled) registerModuleHooks(hookedSpecifiers(chosen.names, options.extraInstrumentations));
const { startTracing } = await import('./runtime/start-tracing.js');
const runtime = await startTracing(config, 'preload', { options, chosen, unhookedRequire }).catch(stopOnConfigError);

// The preload started the SDK, so it shuts it down when the process ends: after the event loop
// empties (a short script), or on SIGTERM/SIGINT. An app that handles the signal itself (Nest's
// `enableShutdownHooks()`) closes first (the module flushes its spans), then re-raises the signal
// with its own listener gone, which reaches this one.
process.once('beforeExit', () => void runtime.shutdown());
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  const onSignal = (): void => {
    if (process.listenerCount(signal) > 1) return;
    void runtime.shutdown().finally(() => {
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    });
  };
  process.on(signal, onSignal);
}
