import { ConfigError } from '../src/config/config-error.js';
import { loadTracingConfig } from '../src/config/load-tracing-config.js';

/** The config of an app at `/srv/app/dist/main.js` with `env`. */
export const loadConfig = (env: Record<string, string>) => loadTracingConfig(env, '/srv/app/dist/main.js');

/** The one line a refused `env` stops startup with; fails the test when `env` is accepted. */
export function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}
