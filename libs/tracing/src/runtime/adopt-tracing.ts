import { createRequire, isBuiltin } from 'node:module';
import { resolve } from 'node:path';
import { loadTracingConfig } from '../config/index.js';
import { INSTRUMENTATIONS } from '../instrumentation/instrumentations.js';
import { tracingLogger } from './tracing-logger.js';
import type { InstrumentationName } from '../config/tracing-config.js';
import { unsupportedNode } from './node-version.js';
import { startTracing } from './start-tracing.js';
import { getTracingRuntime, type TracingRuntime } from './tracing-runtime.js';

/**
 * The runtime the preload (or a test helper) started, or, without one, a runtime started now and
 * owned by the modules that use it. Started this late, instrumentations cannot patch modules the
 * app already loaded; the warning names them.
 */
export async function adoptOrStartTracing(): Promise<TracingRuntime> {
  const existing = getTracingRuntime();
  if (existing && !existing.isShutdown) return existing;
  const config = loadTracingConfig();
  // With tracing off the app runs on any Node.js; with it on, one line says why it cannot.
  const unsupported = config.enabled ? unsupportedNode() : undefined;
  if (unsupported) throw Object.assign(new Error(unsupported), { stack: `Error: ${unsupported}` });
  // No ESM loader hooks here: registered this late they would miss the app's imports, and test
  // runners such as Jest refuse them. Modules `require`d from now on are still instrumented.
  if (config.enabled) warnLateStart(config.instrumentations);
  return startTracing(config, 'module');
}

function warnLateStart(instrumentations: readonly InstrumentationName[]): void {
  const loaded = instrumentations.filter(isLoaded);
  tracingLogger.warn(
    'Tracing was started by TracingModule, not by the preload (node --import nestjs-tracing/register). ' +
      (loaded.length > 0 ? `Already loaded, so not traced: ${loaded.join(', ')}.` : 'No instrumented module was loaded yet.') +
      ' Request spans still come from the library.',
  );
}

function isLoaded(name: InstrumentationName): boolean {
  const { packages, specifiers, patchedInPlace } = INSTRUMENTATIONS[name];
  // Patched in the copy the app loaded, whenever that was.
  if (patchedInPlace) return false;
  const builtins = (process as { moduleLoadList?: string[] }).moduleLoadList ?? [];
  // One cache for the whole process, whichever file a `require` is created for.
  const files = Object.keys(createRequire(resolve('package.json')).cache);
  return (packages ?? specifiers).some((module) =>
    isBuiltin(module) ? builtins.includes(`NativeModule ${module.replace(/^node:/, '')}`) : files.some((path) => path.includes(`/node_modules/${module}/`)),
  );
}
