import { register as registerLoader } from 'node:module';
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';

/**
 * Lets the instrumentations patch ES modules as well as CommonJS ones. Intercepting only the
 * instrumented packages keeps every other import at full speed; the in-thread hooks of recent
 * Node avoid the loader thread's round-trip per module.
 */
export function registerModuleHooks(include: string[]): void {
  if (supportsSyncHooks()) {
    registerSyncHooks({ include });
  } else {
    registerLoader('import-in-the-middle/hook.mjs', import.meta.url, { data: { include } });
  }
}
