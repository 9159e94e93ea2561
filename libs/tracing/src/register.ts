/**
 * The preload: `node --import @app/tracing/register dist/apps/<app>/main.js`.
 *
 * Instrumentations patch `http`, `pg`, `ioredis`... when those are first loaded, so the SDK must
 * start before the app is imported. Everything that could load an instrumented module is imported
 * dynamically, after the module hooks are in place.
 */
import { loadTracingConfig, TracingConfigError } from './config/index.js';
import { registerModuleHooks } from './instrumentation/module-hooks.js';
import type { TracingConfig } from './tracing.interfaces.js';

function loadConfigOrExit(): TracingConfig {
  try {
    return loadTracingConfig();
  } catch (error) {
    if (!(error instanceof TracingConfigError)) throw error;
    // Nothing has started yet: one clear line and a non-zero exit beat a stack trace.
    process.stderr.write(`[tracing] ${error.message}\n`);
    process.exit(1);
  }
}

const config = loadConfigOrExit();
if (config.enabled) registerModuleHooks(config.instrumentations);
const { startTracing } = await import('./runtime/start-tracing.js');
const runtime = await startTracing(config);
// Short scripts end without Nest's shutdown hooks; flush what they traced.
process.once('beforeExit', () => void runtime.shutdown());
