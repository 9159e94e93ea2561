import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

/** Unset and blank are the same thing: a variable exported empty by a shell or compose file. */
export function readEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The parsed value, undefined when unset, or a {@link ConfigError} saying what was `expected`. */
function read<T>(env: Env, name: string, expected: string, parse: (raw: string) => T | undefined): T | undefined {
  const raw = readEnv(env, name);
  if (raw === undefined) return undefined;
  const value = parse(raw);
  if (value === undefined) throw new ConfigError(name, raw, expected);
  return value;
}

const BOOLEANS: Record<string, boolean> = { true: true, 1: true, yes: true, on: true, false: false, 0: false, no: false, off: false };

export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  return read(env, name, 'allowed values are true or false', (raw) => BOOLEANS[raw.toLowerCase()]) ?? fallback;
}

/** One of `choices`, case-insensitively. */
export function envChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const parse = (raw: string) => choices.find((choice) => choice === raw.toLowerCase());
  return read(env, name, `allowed values are ${choices.join(', ')}`, parse) ?? fallback;
}

export interface IntegerRange {
  /** @default 0 */
  min?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  max?: number;
}

/** A plain decimal integer within the range; the fallback when unset. */
export function envInteger(env: Env, name: string, fallback: number, range?: IntegerRange): number;
export function envInteger(env: Env, name: string, fallback?: undefined, range?: IntegerRange): number | undefined;
export function envInteger(env: Env, name: string, fallback?: number, { min = 0, max = Number.MAX_SAFE_INTEGER }: IntegerRange = {}): number | undefined {
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? min === 0
        ? 'expected a non-negative integer'
        : `expected an integer of at least ${min}`
      : `expected an integer from ${min} to ${max}`;
  const parse = (raw: string) => {
    const value = Number(raw);
    return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
  };
  return read(env, name, expected, parse) ?? fallback;
}

/** A number from 0 to 1. */
export function envRate(env: Env, name: string, fallback: number): number;
export function envRate(env: Env, name: string, fallback?: undefined): number | undefined;
export function envRate(env: Env, name: string, fallback?: number): number | undefined {
  const parse = (raw: string) => {
    const value = Number(raw);
    return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
  };
  return read(env, name, 'expected a number from 0 to 1, e.g. 0.1', parse) ?? fallback;
}

export function envString(env: Env, name: string, fallback: string): string {
  return readEnv(env, name) ?? fallback;
}

/** An absolute URL with one of `protocols` (`'postgres:'`); undefined when unset and no fallback. */
export function envUrl(env: Env, name: string, protocols: readonly string[], fallback: string): string;
export function envUrl(env: Env, name: string, protocols: readonly string[], fallback?: undefined): string | undefined;
export function envUrl(env: Env, name: string, protocols: readonly string[], fallback?: string): string | undefined {
  const parse = (raw: string) => {
    try {
      return protocols.includes(new URL(raw).protocol) ? raw : undefined;
    } catch {
      return undefined;
    }
  };
  return read(env, name, `expected a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`, parse) ?? fallback;
}

/** A comma-separated list of `choices`, each entry passed through `normalise` first; undefined when unset. */
export function envList<T extends string>(env: Env, name: string, choices: readonly T[], normalise = (entry: string) => entry): T[] | undefined {
  const parse = (raw: string) => {
    const entries = raw
      .split(',')
      .map((entry) => normalise(entry.trim()))
      .filter(Boolean);
    const matched = entries.map((entry) => choices.find((choice) => choice === entry));
    return matched.every((entry) => entry !== undefined) ? (matched as T[]) : undefined;
  };
  return read(env, name, `allowed values are ${choices.join(', ')}`, parse);
}
