export type Env = Record<string, string | undefined>;

/** A bad setting of an app; the message names the variable, the value and what is expected. */
export class AppConfigError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`Invalid ${variable}="${value}": expected ${expected}`);
    this.name = 'AppConfigError';
  }
}

function read<T>(env: Env, name: string, expected: string, parse: (raw: string) => T | undefined): T | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = parse(raw);
  if (value === undefined) throw new AppConfigError(name, raw, expected);
  return value;
}

export function envInteger(env: Env, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const parse = (raw: string) => {
    const value = Number(raw);
    return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
  };
  return read(env, name, `an integer from ${min} to ${max}`, parse) ?? fallback;
}

export function envRate(env: Env, name: string, fallback: number): number {
  const parse = (raw: string) => {
    const value = Number(raw);
    return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
  };
  return read(env, name, 'a number from 0 to 1', parse) ?? fallback;
}

/** Undefined when unset and no fallback: an optional service such as the database or the cache. */
export function envUrl(env: Env, name: string, protocols: readonly string[], fallback?: string): string | undefined {
  const parse = (raw: string) => {
    try {
      const url = new URL(raw);
      return protocols.includes(url.protocol) ? raw : undefined;
    } catch {
      return undefined;
    }
  };
  return read(env, name, `a URL starting with ${protocols.join(' or ')}//`, parse) ?? fallback;
}

export function envString(env: Env, name: string, fallback: string): string {
  return read(env, name, 'a value', (raw) => raw) ?? fallback;
}

export function envChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const parse = (raw: string) => choices.find((choice) => choice === raw.toLowerCase());
  return read(env, name, `one of ${choices.join(', ')}`, parse) ?? fallback;
}
