import { EXPORTER_NAMES, STANDARD_TRACE_EXPORTERS } from './choices.js';
import { ConfigError } from './config-error.js';
import { type Env, envBoolean, envList, envRate, envUrl, readEnv } from './env.js';
import { parseEnvSampler } from './sdk-env.js';
import type { EnvSamplerConfig, SpanExporterName } from './tracing-config.js';

/**
 * The library's short names (`ENABLE_TRACING`, `TRACING_EXPORTER`, `TRACING_SAMPLE_RATE`,
 * `ZIPKIN_ENDPOINT`, `OTLP_ENDPOINT`) beside the OpenTelemetry SDK's standard variables. Either
 * works alone; both set and saying different things stop startup with one line naming both, since
 * silently preferring one would leave the other looking honoured.
 */

function disagree(short: string, standard: string, env: Env): ConfigError {
  return new ConfigError(short, readEnv(env, short)!, `it disagrees with ${standard}="${readEnv(env, standard)}"; set one of them`);
}

/**
 * On with `ENABLE_TRACING=true`; with it unset, as the standard has it: on unless
 * `OTEL_SDK_DISABLED=true`, once the environment asks for traces (`OTEL_SDK_DISABLED=false`, or an
 * exporter in `OTEL_TRACES_EXPORTER`). An app given no setting at all stays untraced.
 */
export function parseEnabled(env: Env): boolean {
  const ours = readEnv(env, 'ENABLE_TRACING') === undefined ? undefined : envBoolean(env, 'ENABLE_TRACING', false);
  const disabled = readEnv(env, 'OTEL_SDK_DISABLED') === undefined ? undefined : envBoolean(env, 'OTEL_SDK_DISABLED', false);
  if (ours !== undefined && disabled !== undefined && ours === disabled) throw disagree('ENABLE_TRACING', 'OTEL_SDK_DISABLED', env);
  if (ours !== undefined) return ours;
  if (disabled !== undefined) return !disabled;
  const exporters = standardExporters(env);
  return exporters !== undefined && exporters.length > 0;
}

/**
 * How to turn tracing on, when nothing in the environment said anything about it: the preload says
 * it in one line, as a command that traces nothing would otherwise look as if it worked. Tracing
 * turned off on purpose (`ENABLE_TRACING=false`, `OTEL_SDK_DISABLED=true`) stays quiet.
 */
export function tracingOffHint(env: Env): string | undefined {
  const asked = ['ENABLE_TRACING', 'OTEL_SDK_DISABLED', 'OTEL_TRACES_EXPORTER'].some((name) => readEnv(env, name) !== undefined);
  return asked ? undefined : 'tracing is off: set ENABLE_TRACING=true, or an exporter in OTEL_TRACES_EXPORTER, to turn it on';
}

/** A list of exporters, each once, `none` (allowed only alone) as the empty list; undefined when unset. */
function exporterList(env: Env, name: string, choices: readonly string[]): SpanExporterName[] | undefined {
  const names = envList(env, name, choices, (entry) => entry.toLowerCase());
  if (names === undefined) return undefined;
  if (names.includes('none') && names.length > 1) throw new ConfigError(name, readEnv(env, name)!, 'none cannot be combined with other exporters');
  return [...new Set(names)].filter((entry) => entry !== 'none') as SpanExporterName[];
}

const standardExporters = (env: Env) => exporterList(env, 'OTEL_TRACES_EXPORTER', STANDARD_TRACE_EXPORTERS);

/**
 * `TRACING_EXPORTER` or `OTEL_TRACES_EXPORTER`, one exporter or several (`console,otlp`), `none` only
 * alone. Neither set: `console` for an app turned on with `ENABLE_TRACING`, the standard's `otlp`
 * for one turned on with `OTEL_SDK_DISABLED=false`.
 */
export function parseExporters(env: Env): SpanExporterName[] {
  const ours = exporterList(env, 'TRACING_EXPORTER', EXPORTER_NAMES);
  const standard = standardExporters(env);
  if (ours && standard && !sameSet(ours, standard)) throw disagree('TRACING_EXPORTER', 'OTEL_TRACES_EXPORTER', env);
  const standardOnly = readEnv(env, 'ENABLE_TRACING') === undefined && readEnv(env, 'OTEL_SDK_DISABLED') !== undefined;
  return ours ?? standard ?? [standardOnly ? 'otlp' : 'console'];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry) => b.includes(entry));
}

/** The same endpoint, a trailing slash apart. */
function sameUrl(a: string, b: string): boolean {
  return new URL(a).href.replace(/\/+$/, '') === new URL(b).href.replace(/\/+$/, '');
}

/** A URL under our short name or the standard one; both set, they must be the same URL. */
export function agreeingUrl(env: Env, short: string, standard: string, protocols: readonly string[]): string | undefined {
  const ours = envUrl(env, short, protocols);
  const theirs = envUrl(env, standard, protocols);
  if (ours && theirs && !sameUrl(ours, theirs)) throw disagree(short, standard, env);
  return ours ?? theirs;
}

/**
 * `TRACING_SAMPLE_RATE`, or `OTEL_TRACES_SAMPLER` with `OTEL_TRACES_SAMPLER_ARG`. The rate is the
 * standard's `parentbased_traceidratio`: both set, they must describe that sampler with that ratio.
 */
export function parseSampling(env: Env): { sampleRate: number | undefined; envSampler: EnvSamplerConfig | undefined } {
  const rate = envRate(env, 'TRACING_SAMPLE_RATE');
  const sampler = parseEnvSampler(env);
  if (rate === undefined) return { sampleRate: undefined, envSampler: sampler };
  if (sampler && !samplesAtRate(sampler, rate)) throw disagree('TRACING_SAMPLE_RATE', 'OTEL_TRACES_SAMPLER', env);
  return { sampleRate: rate, envSampler: undefined };
}

function samplesAtRate({ name, ratio }: EnvSamplerConfig, rate: number): boolean {
  if (name === 'parentbased_traceidratio') return ratio === rate;
  if (name === 'parentbased_always_on') return rate === 1;
  if (name === 'parentbased_always_off') return rate === 0;
  return false;
}
