import { TracingConfigError } from './tracing-config.error.js';

export type Env = Record<string, string | undefined>;

/** Unset and blank are the same thing: a variable exported empty by a shell or compose file. */
export function readEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = readEnv(env, name);
  if (value === undefined) return fallback;
  const normalised = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off'].includes(normalised)) return false;
  throw new TracingConfigError(name, value, 'allowed values are true or false');
}

export function parseChoice<T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = readEnv(env, name);
  if (value === undefined) return fallback;
  const match = choices.find((choice) => choice === value.toLowerCase());
  if (match === undefined) {
    throw new TracingConfigError(name, value, `allowed values are ${choices.join(', ')}`);
  }
  return match;
}

export function parseRate(env: Env, name: string): number | undefined {
  const value = readEnv(env, name);
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new TracingConfigError(name, value, 'expected a number from 0 to 1, e.g. 0.1');
  }
  return rate;
}

export function parseNonNegativeInteger(env: Env, name: string, fallback: number): number {
  return parseOptionalNonNegativeInteger(env, name) ?? fallback;
}

export function parseOptionalNonNegativeInteger(env: Env, name: string): number | undefined {
  const value = readEnv(env, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new TracingConfigError(name, value, 'expected a non-negative integer');
  }
  return parsed;
}

export function parseHttpUrl(env: Env, name: string, fallback: string): URL {
  const value = readEnv(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TracingConfigError(name, value, 'expected an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TracingConfigError(name, value, 'expected an http:// or https:// URL');
  }
  return url;
}

export function parseList<T extends string>(env: Env, name: string, choices: readonly T[]): T[] | undefined {
  const value = readEnv(env, name);
  if (value === undefined) return undefined;
  const names = value.split(',').map((entry) => entry.trim().replace(/^@opentelemetry\/instrumentation-/, ''));
  return names.filter(Boolean).map((entry) => {
    const match = choices.find((choice) => choice === entry);
    if (match === undefined) {
      throw new TracingConfigError(name, value, `allowed values are ${choices.join(', ')}`);
    }
    return match;
  });
}
