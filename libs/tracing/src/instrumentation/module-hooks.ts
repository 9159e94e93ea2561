import { register as registerLoader } from 'node:module';
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import type { InstrumentationName } from '../config/tracing-config.js';
import { HOOKED_SPECIFIERS } from './instrumentations.js';

/**
 * Lets the instrumentations patch ES modules as well as CommonJS ones. Intercepting only the
 * instrumented packages keeps every other import at full speed; the in-thread hooks of recent
 * Node avoid the loader thread's round-trip per module.
 */
export function registerModuleHooks(instrumentations: readonly InstrumentationName[]): void {
  const include = instrumentations.flatMap((name) => HOOKED_SPECIFIERS[name]);
  if (supportsSyncHooks()) {
    registerSyncHooks({ include });
  } else {
    registerLoader('import-in-the-middle/hook.mjs', import.meta.url, { data: { include } });
  }
}
