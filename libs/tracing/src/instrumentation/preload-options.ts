import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_NAMES } from '../config/choices.js';
import { ConfigError } from '../config/config-error.js';
import { type Env, readEnv } from '../config/env.js';
import type { InstrumentationName, TracingConfig } from '../config/tracing-config.js';
import type { InstrumentationOptions } from './instrumentations.js';

/**
 * What the preload reads from `nestjs-tracing.config.mjs` (or `.js`, `.cjs`) in the directory the
 * app is started from, or from the file `TRACING_CONFIG_FILE` names: the one place for what
 * environment variables cannot say. Read only with tracing on, before the app is loaded.
 *
 * ```js
 * // nestjs-tracing.config.mjs
 * import { DataloaderInstrumentation } from '@opentelemetry/instrumentation-dataloader';
 *
 * /** @type {import('nestjs-tracing').TracingPreloadOptions} *\/
 * export default {
 *   instrumentations: { pg: { enhancedDatabaseReporting: true }, fs: {} },
 *   extraInstrumentations: [new DataloaderInstrumentation()],
 * };
 * ```
 */
export interface TracingPreloadOptions {
  /**
   * Options per instrumentation, by its `OTEL_NODE_ENABLED_INSTRUMENTATIONS` name, applied over the
   * library's defaults. Naming one turns it on, even one outside the default set, unless
   * `OTEL_NODE_DISABLED_INSTRUMENTATIONS` names it or its options say `enabled: false`.
   * @default {}
   */
  instrumentations?: InstrumentationOptions;
  /**
   * Instrumentations the library does not list (the app's own, or a newer package's), built here.
   * They are used as given, whether or not the app has the package they instrument.
   * @default []
   */
  extraInstrumentations?: Instrumentation[];
}

export const PRELOAD_OPTIONS_FILES = ['nestjs-tracing.config.mjs', 'nestjs-tracing.config.js', 'nestjs-tracing.config.cjs'];
const OPTION_KEYS = ['instrumentations', 'extraInstrumentations'];

/** The options file's default export, checked; empty options when there is no file. */
export async function readPreloadOptions(env: Env = process.env, cwd = process.cwd()): Promise<TracingPreloadOptions> {
  const named = readEnv(env, 'TRACING_CONFIG_FILE');
  if (named !== undefined && !existsSync(resolve(cwd, named))) throw new ConfigError('TRACING_CONFIG_FILE', named, 'no such file');
  const file = named ?? PRELOAD_OPTIONS_FILES.find((name) => existsSync(resolve(cwd, name)));
  if (file === undefined) return {};
  let exported: unknown;
  try {
    const module = (await import(pathToFileURL(resolve(cwd, file)).href)) as { default?: unknown };
    exported = module.default;
  } catch (error) {
    throw new ConfigError('TRACING_CONFIG_FILE', file, `failed to load: ${firstLine(error)}`);
  }
  return checkPreloadOptions(exported, file);
}

/** The options as given, or a {@link ConfigError} naming the file and the first thing wrong. */
export function checkPreloadOptions(exported: unknown, file: string): TracingPreloadOptions {
  const refuse = (what: string, expected: string): never => {
    throw new ConfigError(file, what, expected);
  };
  if (!isObject(exported)) return refuse('default export', 'expected an object with instrumentations and/or extraInstrumentations');
  const unknown = Object.keys(exported).find((key) => !OPTION_KEYS.includes(key));
  if (unknown !== undefined) refuse(unknown, `allowed keys are ${OPTION_KEYS.join(', ')}`);
  const { instrumentations = {}, extraInstrumentations = [] } = exported as Record<string, unknown>;
  if (!isObject(instrumentations)) refuse('instrumentations', 'expected an object of options by instrumentation name');
  for (const [name, options] of Object.entries(instrumentations as object)) {
    if (!(INSTRUMENTATION_NAMES as readonly string[]).includes(name))
      refuse(`instrumentations.${name}`, `allowed names are ${INSTRUMENTATION_NAMES.join(', ')}`);
    if (!isObject(options)) refuse(`instrumentations.${name}`, 'expected an object of options');
  }
  if (!Array.isArray(extraInstrumentations)) refuse('extraInstrumentations', 'expected an array of instrumentations');
  (extraInstrumentations as unknown[]).forEach((instrumentation, index) => {
    if (!isObject(instrumentation) || typeof instrumentation.setTracerProvider !== 'function' || typeof instrumentation.enable !== 'function') {
      refuse(`extraInstrumentations[${index}]`, 'expected an instrumentation (new SomeInstrumentation())');
    }
  });
  return exported as TracingPreloadOptions;
}

export interface ChosenInstrumentations {
  /** The instrumentations to load (each only if the app has its package). */
  names: InstrumentationName[];
  /** Those asked for by name rather than by the default set. */
  asked: InstrumentationName[];
}

/** The names to load and those asked for by name, from the environment's choice and the options. */
export function chooseInstrumentations(
  config: Pick<TracingConfig, 'instrumentations' | 'disabledInstrumentations' | 'defaultInstrumentations'>,
  options: TracingPreloadOptions,
): ChosenInstrumentations {
  const configured = Object.entries(options.instrumentations ?? {}) as [InstrumentationName, { enabled?: boolean }][];
  const off = new Set([...config.disabledInstrumentations, ...configured.filter(([, each]) => each.enabled === false).map(([name]) => name)]);
  const named = configured.filter(([, each]) => each.enabled !== false).map(([name]) => name);
  const names = [...new Set([...config.instrumentations, ...named])].filter((name) => !off.has(name));
  const asked = config.defaultInstrumentations ? named.filter((name) => !off.has(name)) : names;
  return { names, asked };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
