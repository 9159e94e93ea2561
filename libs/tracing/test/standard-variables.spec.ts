import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig as load, refusal } from './config-refusal.js';
import type { TracingConfig } from '../src/config/tracing-config.js';
import { otlpHttpOptions } from '../src/sdk-replacements/otlp/otlp-proto-exporter.js';

/**
 * The walk over the OpenTelemetry SDK environment variable specification's variables for traces,
 * resources, propagation, the batch span processor, limits and the trace exporters, and the
 * JavaScript SDK's own: each one has its effect, shown here or in the process-level test named, or is
 * refused with a reason. None may be read by nobody.
 */
const PEM = join(mkdtempSync(join(tmpdir(), 'otlp-tls-')), 'file.pem');
writeFileSync(PEM, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

/** Runs `read` with `env` in `process.env`, where the SDK's OTLP transport reads its variables. */
function withProcessEnv<T>(env: Record<string, string>, read: () => T): T {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return read();
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

interface Setting {
  /** The value set, and any other variable it needs to mean something. */
  set: string;
  with?: Record<string, string>;
  /** A value refused with one line naming the variable. */
  refuses?: string;
}

type Proof =
  /** Read into the library's configuration: its effect there. */
  | (Setting & { effect: (config: TracingConfig) => unknown })
  /** Read by the SDK's OTLP/HTTP transport, which the library uses as it is, after validating it here. */
  | (Setting & { transport: (options: ReturnType<typeof otlpHttpOptions>) => Promise<unknown> | unknown })
  /** Shown by another test, of the library's folder (`libs/tracing/`), which names the variable. */
  | (Setting & { shownBy: string })
  /** Not implemented: startup stops with this reason. */
  | { set: string; refusedBecause: string };

const agentOptions = (options: ReturnType<typeof otlpHttpOptions>) =>
  (options.agentFactory('https:') as unknown as Promise<Agent>).then((agent) => agent.options);

const SPEC: Record<string, Proof> = {
  // General SDK configuration
  OTEL_SDK_DISABLED: { set: 'false', effect: (config) => expect(config).toMatchObject({ enabled: true, exporters: ['otlp'] }), refuses: 'maybe' },
  OTEL_RESOURCE_ATTRIBUTES: { set: 'service.name=billing,team=payments', effect: (config) => expect(config.serviceName).toBe('billing') },
  OTEL_SERVICE_NAME: { set: 'billing', effect: (config) => expect(config.serviceName).toBe('billing') },
  OTEL_LOG_LEVEL: { set: 'debug', shownBy: 'src/runtime/diag-logger.spec.ts', refuses: 'loud' },
  OTEL_PROPAGATORS: { set: 'b3multi,tracecontext', effect: (config) => expect(config.propagators).toEqual(['b3multi', 'tracecontext']), refuses: 'jaeger' },
  OTEL_TRACES_SAMPLER: { set: 'traceidratio', effect: (config) => expect(config.envSampler).toEqual({ name: 'traceidratio', ratio: 1 }), refuses: 'xray' },
  OTEL_TRACES_SAMPLER_ARG: {
    set: '0.25',
    with: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' },
    effect: (config) => expect(config.envSampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 }),
    refuses: '2',
  },
  OTEL_CONFIG_FILE: { set: '/etc/otel.yaml', refusedBecause: 'configuration files are not supported; set the environment variables they would hold' },
  OTEL_EXPERIMENTAL_CONFIG_FILE: {
    set: '/etc/otel.yaml',
    refusedBecause: 'configuration files are not supported; set the environment variables they would hold',
  },
  // Batch span processor
  OTEL_BSP_SCHEDULE_DELAY: { set: '250', effect: (config) => expect(config.batch.scheduledDelayMillis).toBe(250), refuses: '1s' },
  OTEL_BSP_EXPORT_TIMEOUT: { set: '2000', effect: (config) => expect(config.batch.exportTimeoutMillis).toBe(2000), refuses: '-1' },
  OTEL_BSP_MAX_QUEUE_SIZE: { set: '4096', effect: (config) => expect(config.batch.maxQueueSize).toBe(4096), refuses: '0' },
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: { set: '100', effect: (config) => expect(config.batch.maxExportBatchSize).toBe(100), refuses: '5000' },
  // Attribute and span limits
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: { set: '100', effect: (config) => expect(config.spanLimits.attributeValueLengthLimit).toBe(100), refuses: 'long' },
  OTEL_ATTRIBUTE_COUNT_LIMIT: { set: '64', effect: (config) => expect(config.spanLimits.attributeCountLimit).toBe(64), refuses: 'many' },
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: { set: '6', shownBy: 'test/standard-variables.e2e-spec.ts', refuses: 'six' },
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: { set: '32', effect: (config) => expect(config.spanLimits.attributeCountLimit).toBe(32), refuses: '-5' },
  OTEL_SPAN_EVENT_COUNT_LIMIT: { set: '10', effect: (config) => expect(config.spanLimits.eventCountLimit).toBe(10), refuses: 'x' },
  OTEL_SPAN_LINK_COUNT_LIMIT: { set: '5', effect: (config) => expect(config.spanLimits.linkCountLimit).toBe(5), refuses: 'x' },
  OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: { set: '8', effect: (config) => expect(config.spanLimits.attributePerEventCountLimit).toBe(8), refuses: 'x' },
  OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: { set: '4', effect: (config) => expect(config.spanLimits.attributePerLinkCountLimit).toBe(4), refuses: 'x' },
  // Exporter selection
  OTEL_TRACES_EXPORTER: {
    set: 'zipkin,console',
    effect: (config) => expect(config).toMatchObject({ enabled: true, exporters: ['zipkin', 'console'] }),
    refuses: 'jaeger',
  },
  // OTLP exporter
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    set: 'http://collector:4318',
    effect: (config) => expect(config.otlpEndpoint).toBe('http://collector:4318/v1/traces'),
    refuses: 'collector:4318',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    set: 'http://collector:4318/custom',
    effect: (config) => expect(config.otlpEndpoint).toBe('http://collector:4318/custom'),
    refuses: 'ftp://x',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: { set: 'http/json', effect: (config) => expect(config.otlpProtocol).toBe('http/json'), refuses: 'thrift' },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: { set: 'grpc', effect: (config) => expect(config.otlpProtocol).toBe('grpc'), refuses: 'thrift' },
  OTEL_EXPORTER_OTLP_HEADERS: {
    set: 'x-api-key=abc',
    transport: async (options) => expect(await options.headers()).toMatchObject({ 'x-api-key': 'abc' }),
    refuses: 'x-api-key',
  },
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: {
    set: 'x-tenant=acme',
    transport: async (options) => expect(await options.headers()).toMatchObject({ 'x-tenant': 'acme' }),
    refuses: 'just-a-key',
  },
  OTEL_EXPORTER_OTLP_TIMEOUT: { set: '1500', transport: (options) => expect(options.timeoutMillis).toBe(1500), refuses: '10s' },
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: { set: '700', transport: (options) => expect(options.timeoutMillis).toBe(700), refuses: 'soon' },
  OTEL_EXPORTER_OTLP_COMPRESSION: { set: 'gzip', transport: (options) => expect(options.compression).toBe('gzip'), refuses: 'brotli' },
  OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: { set: 'gzip', transport: (options) => expect(options.compression).toBe('gzip'), refuses: 'zstd' },
  OTEL_EXPORTER_OTLP_CERTIFICATE: {
    set: PEM,
    transport: async (options) => expect(String((await agentOptions(options)).ca)).toContain('BEGIN CERTIFICATE'),
    refuses: '/missing/ca.pem',
  },
  OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: {
    set: PEM,
    transport: async (options) => expect(String((await agentOptions(options)).ca)).toContain('BEGIN CERTIFICATE'),
    refuses: '/missing/ca.pem',
  },
  OTEL_EXPORTER_OTLP_CLIENT_KEY: {
    set: PEM,
    transport: async (options) => expect((await agentOptions(options)).key).toBeDefined(),
    refuses: '/missing/key.pem',
  },
  OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: {
    set: PEM,
    transport: async (options) => expect((await agentOptions(options)).key).toBeDefined(),
    refuses: '/missing/key.pem',
  },
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: {
    set: PEM,
    transport: async (options) => expect((await agentOptions(options)).cert).toBeDefined(),
    refuses: '/missing/cert.pem',
  },
  OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: {
    set: PEM,
    transport: async (options) => expect((await agentOptions(options)).cert).toBeDefined(),
    refuses: '/missing/cert.pem',
  },
  OTEL_EXPORTER_OTLP_INSECURE: { set: 'true', refusedBecause: 'it applies only to a gRPC endpoint given without http:// or https://' },
  OTEL_EXPORTER_OTLP_TRACES_INSECURE: { set: 'true', refusedBecause: 'it applies only to a gRPC endpoint given without http:// or https://' },
  // Zipkin exporter
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: {
    set: 'http://zipkin:9411/api/v2/spans',
    effect: (config) => expect(config.zipkinEndpoint).toBe('http://zipkin:9411/api/v2/spans'),
    refuses: 'zipkin',
  },
  OTEL_EXPORTER_ZIPKIN_TIMEOUT: { set: '2500', effect: (config) => expect(config.zipkinTimeoutMillis).toBe(2500), refuses: 'never' },
  // Jaeger's exporter, withdrawn from the specification
  OTEL_EXPORTER_JAEGER_ENDPOINT: { set: 'http://jaeger:14268/api/traces', refusedBecause: "Jaeger's own exporter was withdrawn from OpenTelemetry" },
  OTEL_EXPORTER_JAEGER_AGENT_HOST: { set: 'jaeger', refusedBecause: "Jaeger's own exporter was withdrawn from OpenTelemetry" },
  // The JavaScript SDK's own
  OTEL_NODE_RESOURCE_DETECTORS: { set: 'host,process', effect: (config) => expect(config.resourceDetectors).toEqual(['host', 'process']), refuses: 'gcp' },
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: { set: 'http,pg', effect: (config) => expect(config.instrumentations).toEqual(['http', 'pg']), refuses: 'mysql3' },
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: { set: 'pg', effect: (config) => expect(config.instrumentations).not.toContain('pg'), refuses: 'mysql3' },
};

describe('the standard variables, walked one by one', () => {
  it.each(Object.entries(SPEC))('%s', async (name, proof) => {
    if ('refusedBecause' in proof) {
      expect(refusal({ [name]: proof.set })).toContain(proof.refusedBecause);
      return;
    }
    const env = { ...proof.with, [name]: proof.set };
    const config = load(env);
    if ('effect' in proof) await proof.effect(config);
    if ('transport' in proof) await withProcessEnv(env, () => proof.transport(otlpHttpOptions(undefined)));
    if ('shownBy' in proof) expect(readFileSync(resolve('libs/tracing', proof.shownBy), 'utf8')).toContain(name);
    if (proof.refuses !== undefined) expect(refusal({ ...proof.with, [name]: proof.refuses })).toMatch(new RegExp(`^Invalid ${name}="`));
  });
});
