import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  DEFAULT_BAGGAGE_MAX_BYTES,
  DEFAULT_BAGGAGE_MAX_ENTRIES,
  DEFAULT_INSTRUMENTATIONS,
  DEFAULT_JAEGER_ENDPOINT,
  DEFAULT_ZIPKIN_ENDPOINT,
  CONSOLE_FORMATS,
  INSTRUMENTATION_NAMES,
  LOG_LEVELS,
  OTLP_PROTOCOLS,
} from './choices.js';
import type { BatchConfig, OtlpProtocol, TracingConfig } from './tracing-config.js';
import { type Env, envChoice, envInteger, envList, envUrl, readEnv } from './env.js';
import { parsePropagators, parseResourceDetectors, parseSpanLimits } from './sdk-env.js';
import { validateOtlpTransportEnv } from './otlp-transport-env.js';
import { agreeingUrl, parseEnabled, parseExporters, parseSampling } from './standard-names.js';
import { refuseUnsupportedVariables } from './unsupported-variables.js';
import { ConfigError } from './config-error.js';

const HTTP = ['http:', 'https:'];

/** `@opentelemetry/instrumentation-pg` names the `pg` instrumentation too. */
const withoutPackagePrefix = (entry: string) => entry.replace(/^@opentelemetry\/instrumentation-/, '');

/** Ports and path of Jaeger's Thrift/gRPC collector, which the `jaeger` exporter no longer speaks. */
const LEGACY_JAEGER_PORTS = new Set(['14268', '14250', '6831', '6832']);

/**
 * Reads and validates every variable the library understands. Throws a
 * {@link ConfigError} on the first bad value so startup stops before the app listens.
 */
export function loadTracingConfig(env: Env = process.env, entryPath = process.argv[1]): TracingConfig {
  refuseUnsupportedVariables(env);
  validateOtlpTransportEnv(env);
  // Read where the SDK's diagnostics are routed; an unknown level would quietly mean `info`.
  envChoice(env, 'OTEL_LOG_LEVEL', LOG_LEVELS, 'info');
  const app = nearestPackage(entryPath);
  const otlpProtocol = envChoice<OtlpProtocol>(
    env,
    readEnv(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL',
    OTLP_PROTOCOLS,
    'http/protobuf',
  );
  return {
    enabled: parseEnabled(env),
    serviceName:
      readEnv(env, 'OTEL_SERVICE_NAME') ??
      serviceNameFromResourceAttributes(env) ??
      serviceNameFromEntry(entryPath) ??
      app?.name ??
      readEnv(env, 'npm_package_name') ??
      'nest-app',
    serviceVersion: app?.version ?? readEnv(env, 'npm_package_version'),
    environment: readEnv(env, 'NODE_ENV'),
    exporters: parseExporters(env),
    consoleFormat: envChoice(env, 'TRACING_CONSOLE_FORMAT', CONSOLE_FORMATS, 'tree'),
    ...parseSampling(env),
    propagators: parsePropagators(env),
    baggageLimits: {
      maxEntries: envInteger(env, 'TRACING_BAGGAGE_MAX_ENTRIES', DEFAULT_BAGGAGE_MAX_ENTRIES),
      maxBytes: envInteger(env, 'TRACING_BAGGAGE_MAX_BYTES', DEFAULT_BAGGAGE_MAX_BYTES),
    },
    resourceDetectors: parseResourceDetectors(env),
    spanLimits: parseSpanLimits(env),
    jaegerEndpoint: parseJaegerEndpoint(env),
    zipkinEndpoint: new URL(agreeingUrl(env, 'ZIPKIN_ENDPOINT', 'OTEL_EXPORTER_ZIPKIN_ENDPOINT', HTTP) ?? DEFAULT_ZIPKIN_ENDPOINT).href,
    zipkinTimeoutMillis: envInteger(env, 'OTEL_EXPORTER_ZIPKIN_TIMEOUT', 10_000),
    otlpEndpoint: parseOtlpEndpoint(env, otlpProtocol),
    otlpProtocol,
    batch: parseBatchConfig(env),
    ...parseInstrumentations(env),
  };
}

/** The spec ranks `service.name` in `OTEL_RESOURCE_ATTRIBUTES` above any default. */
function serviceNameFromResourceAttributes(env: Env): string | undefined {
  const match = readEnv(env, 'OTEL_RESOURCE_ATTRIBUTES')?.match(/(?:^|,)\s*service\.name\s*=\s*([^,]+)/);
  return match ? decodeURIComponent(match[1].trim()) : undefined;
}

/**
 * `<x>` of `dist/apps/<x>/main.js`: the Nest CLI's monorepo mode builds every app there, and its
 * apps share one package.json, whose name would give them all one service name.
 */
function serviceNameFromEntry(entryPath: string | undefined): string | undefined {
  return entryPath?.replaceAll('\\', '/').match(/(?:^|\/)apps\/([^/]+)\//)?.[1];
}

/**
 * The name and version of the app's own package.json, the nearest one above its entry file, so
 * `node --import nestjs-tracing/register dist/main.js` names the service without npm. An entry
 * inside node_modules is a launcher (a test runner, a CLI) started in the app's folder.
 */
function nearestPackage(entryPath: string | undefined): { name?: string; version?: string } | undefined {
  const entry = entryPath ? resolve(entryPath) : undefined;
  let directory = entry && !entry.replaceAll('\\', '/').includes('/node_modules/') ? dirname(entry) : process.cwd();
  for (;;) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      try {
        const { name, version } = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
        return { name: typeof name === 'string' && name ? name : undefined, version: typeof version === 'string' ? version : undefined };
      } catch {
        return undefined;
      }
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

function parseJaegerEndpoint(env: Env): string {
  const url = new URL(envUrl(env, 'JAEGER_ENDPOINT', HTTP, DEFAULT_JAEGER_ENDPOINT));
  if (url.pathname.startsWith('/api/traces') || LEGACY_JAEGER_PORTS.has(url.port)) {
    throw new ConfigError(
      'JAEGER_ENDPOINT',
      url.href,
      `this is Jaeger's legacy Thrift/gRPC collector; Jaeger ingests OTLP natively, use its OTLP/HTTP receiver, e.g. http://${url.hostname}:4318/v1/traces`,
    );
  }
  return url.href;
}

/**
 * The traces endpoint: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given; else the generic base
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, or our `OTLP_ENDPOINT`) with `/v1/traces` appended over HTTP and as
 * given over gRPC, as the specification says. `OTLP_ENDPOINT` may already end in `/v1/traces`.
 */
function parseOtlpEndpoint(env: Env, protocol: OtlpProtocol): string | undefined {
  const traces = envUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', HTTP);
  const base = agreeingUrl(env, 'OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT', HTTP);
  if (traces) return traces;
  if (base === undefined) return undefined;
  const trimmed = new URL(base).href.replace(/\/+$/, '');
  if (protocol === 'grpc' || (readEnv(env, 'OTLP_ENDPOINT') !== undefined && trimmed.endsWith('/v1/traces'))) return trimmed;
  return `${trimmed}/v1/traces`;
}

function parseBatchConfig(env: Env): BatchConfig {
  const batch: BatchConfig = {
    maxQueueSize: envInteger(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048),
    maxExportBatchSize: envInteger(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
    scheduledDelayMillis: envInteger(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
    exportTimeoutMillis: envInteger(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30000),
  };
  if (batch.maxQueueSize < 1) {
    throw new ConfigError('OTEL_BSP_MAX_QUEUE_SIZE', String(batch.maxQueueSize), 'expected at least 1');
  }
  if (batch.maxExportBatchSize < 1 || batch.maxExportBatchSize > batch.maxQueueSize) {
    throw new ConfigError('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', String(batch.maxExportBatchSize), `expected 1 to OTEL_BSP_MAX_QUEUE_SIZE (${batch.maxQueueSize})`);
  }
  return batch;
}

function parseInstrumentations(env: Env): Pick<TracingConfig, 'instrumentations' | 'disabledInstrumentations' | 'defaultInstrumentations'> {
  const enabled = envList(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', INSTRUMENTATION_NAMES, withoutPackagePrefix);
  const disabled = envList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', INSTRUMENTATION_NAMES, withoutPackagePrefix) ?? [];
  return {
    instrumentations: (enabled ?? DEFAULT_INSTRUMENTATIONS).filter((name) => !disabled.includes(name)),
    disabledInstrumentations: disabled,
    defaultInstrumentations: enabled === undefined,
  };
}
