import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTracingConfig } from './load-tracing-config.js';
import { ConfigError } from './config-error.js';
import { DEFAULT_INSTRUMENTATIONS } from './choices.js';

const load = (env: Record<string, string>, entry?: string) => loadTracingConfig(env, entry);

function errorOf(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadTracingConfig', () => {
  it('defaults to tracing off, console exporter and the documented endpoints', () => {
    const config = load({});
    expect(config).toMatchObject({
      enabled: false,
      exporters: ['console'],
      consoleFormat: 'tree',
      sampleRate: undefined,
      envSampler: undefined,
      propagators: ['tracecontext', 'baggage'],
      resourceDetectors: ['serviceinstance', 'process', 'host', 'os', 'env'],
      spanLimits: {},
      jaegerEndpoint: 'http://localhost:4318/v1/traces',
      zipkinEndpoint: 'http://localhost:9411/api/v2/spans',
      otlpEndpoint: undefined,
      otlpProtocol: 'http/protobuf',
      batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 },
      instrumentations: DEFAULT_INSTRUMENTATIONS,
      disabledInstrumentations: [],
      defaultInstrumentations: true,
    });
  });

  it('reads every variable the package README documents', () => {
    const config = load({
      ENABLE_TRACING: 'true',
      TRACING_EXPORTER: 'OTLP',
      TRACING_SAMPLE_RATE: '0.25',
      OTLP_ENDPOINT: 'http://collector:4318/',
      NODE_ENV: 'production',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100',
      OTEL_BSP_EXPORT_TIMEOUT: '2000',
      OTEL_BSP_SCHEDULE_DELAY: '250',
      OTEL_BSP_MAX_QUEUE_SIZE: '400',
    });
    expect(config).toMatchObject({
      enabled: true,
      exporters: ['otlp'],
      sampleRate: 0.25,
      otlpEndpoint: 'http://collector:4318/v1/traces',
      environment: 'production',
      batch: { maxQueueSize: 400, maxExportBatchSize: 100, scheduledDelayMillis: 250, exportTimeoutMillis: 2000 },
    });
  });

  it('reads a list of exporters, each once, and none alone as no exporter', () => {
    expect(load({ TRACING_EXPORTER: 'console,OTLP, console' }).exporters).toEqual(['console', 'otlp']);
    expect(load({ TRACING_EXPORTER: 'none' }).exporters).toEqual([]);
    expect(errorOf({ TRACING_EXPORTER: 'console,none' }).message).toBe('Invalid TRACING_EXPORTER="console,none": none cannot be combined with other exporters');
  });

  it('keeps the gRPC endpoint as given and honours the traces-specific protocol', () => {
    const config = load({ OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' });
    expect(config.otlpProtocol).toBe('grpc');
    expect(config.otlpEndpoint).toBe('http://collector:4317');
  });

  it.each([
    [{ TRACING_EXPORTER: 'datadog' }, 'TRACING_EXPORTER', 'console, jaeger, zipkin, otlp, none'],
    [{ TRACING_CONSOLE_FORMAT: 'json' }, 'TRACING_CONSOLE_FORMAT', 'tree, raw'],
    [{ TRACING_SAMPLE_RATE: '2' }, 'TRACING_SAMPLE_RATE', 'from 0 to 1'],
    [{ TRACING_SAMPLE_RATE: 'half' }, 'TRACING_SAMPLE_RATE', 'from 0 to 1'],
    [{ ENABLE_TRACING: 'maybe' }, 'ENABLE_TRACING', 'true or false'],
    [{ OTLP_ENDPOINT: 'collector:4318' }, 'OTLP_ENDPOINT', 'a URL starting with http:// or https://'],
    [{ ZIPKIN_ENDPOINT: 'not a url' }, 'ZIPKIN_ENDPOINT', 'a URL starting with http:// or https://'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' }, 'OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf, http/json, grpc'],
    [{ OTEL_BSP_MAX_QUEUE_SIZE: '-1' }, 'OTEL_BSP_MAX_QUEUE_SIZE', 'non-negative integer'],
    [{ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '5000' }, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'OTEL_BSP_MAX_QUEUE_SIZE'],
    [
      { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,mongo' },
      'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
      'nestjs-microservices, nestjs-schedule, nestjs-event-emitter, bullmq, amqplib,',
    ],
    [{ OTEL_TRACES_SAMPLER: 'ratio' }, 'OTEL_TRACES_SAMPLER', 'always_on, always_off, traceidratio, parentbased_always_on'],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '10' }, 'OTEL_TRACES_SAMPLER_ARG', 'from 0 to 1'],
    [{ OTEL_PROPAGATORS: 'tracecontext,jaeger' }, 'OTEL_PROPAGATORS', 'tracecontext, baggage, b3, b3multi, none'],
    [{ OTEL_NODE_RESOURCE_DETECTORS: 'gcp' }, 'OTEL_NODE_RESOURCE_DETECTORS', 'host, os, process, serviceinstance, env, all, none'],
    [{ OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: 'many' }, 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'non-negative integer'],
  ])('rejects %o naming %s and what is allowed', (env, variable, allowed) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(env[variable as keyof typeof env]);
    expect(error.message).toContain(allowed);
  });

  it.each(['http://localhost:14268/api/traces', 'http://jaeger:14250', 'http://jaeger:4318/api/traces'])(
    'refuses the legacy Jaeger collector %s and gives the OTLP URL instead',
    (endpoint) => {
      const error = errorOf({ JAEGER_ENDPOINT: endpoint });
      expect(error.variable).toBe('JAEGER_ENDPOINT');
      expect(error.message).toMatch(/OTLP/);
      expect(error.message).toContain(':4318/v1/traces');
    },
  );

  it('names the service from OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES, then the app folder', () => {
    expect(load({ OTEL_SERVICE_NAME: 'billing' }, '/srv/dist/apps/users-api/main.js').serviceName).toBe('billing');
    expect(load({ OTEL_RESOURCE_ATTRIBUTES: 'team=a,service.name=orders' }, '/srv/dist/apps/users-api/main.js').serviceName).toBe('orders');
    expect(load({}, '/srv/dist/apps/email-service/main.js').serviceName).toBe('email-service');
  });

  it("names a standalone app's service after the nearest package.json above its entry file", () => {
    const root = mkdtempSync(join(tmpdir(), 'service-name-'));
    try {
      writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'orders-api', version: '2.3.4' }));
      mkdirSync(join(root, 'dist'));
      const config = load({ npm_package_name: 'launcher' }, join(root, 'dist', 'main.js'));
      expect(config).toMatchObject({ serviceName: 'orders-api', serviceVersion: '2.3.4' });
      expect(load({ OTEL_SERVICE_NAME: 'billing' }, join(root, 'dist', 'main.js')).serviceName).toBe('billing');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves sampling to OTEL_TRACES_SAMPLER only when TRACING_SAMPLE_RATE is unset', () => {
    expect(load({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }).envSampler).toEqual({ name: 'traceidratio', ratio: 0.5 });
    expect(load({ OTEL_TRACES_SAMPLER: 'always_off' }).envSampler).toEqual({ name: 'always_off', ratio: 1 });
    expect(load({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5', TRACING_SAMPLE_RATE: '0.5' })).toMatchObject({
      sampleRate: 0.5,
      envSampler: undefined,
    });
  });

  it('reads the standard propagator, resource detector, span limit and off-switch variables', () => {
    const config = load({
      ENABLE_TRACING: 'true',
      OTEL_PROPAGATORS: 'b3multi,tracecontext,b3multi',
      OTEL_NODE_RESOURCE_DETECTORS: 'host,process',
      OTEL_ATTRIBUTE_COUNT_LIMIT: '64',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '10',
    });
    expect(config).toMatchObject({
      enabled: true,
      propagators: ['b3multi', 'tracecontext'],
      resourceDetectors: ['host', 'process'],
      spanLimits: { attributeCountLimit: 64, eventCountLimit: 10 },
    });
    expect(load({ OTEL_PROPAGATORS: 'none', OTEL_NODE_RESOURCE_DETECTORS: 'none' })).toMatchObject({ propagators: [], resourceDetectors: [] });
    expect(load({ OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
  });

  it('applies OTEL_NODE_ENABLED_INSTRUMENTATIONS and OTEL_NODE_DISABLED_INSTRUMENTATIONS', () => {
    expect(load({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express,pg' })).toMatchObject({
      instrumentations: ['http', 'express', 'pg'],
      defaultInstrumentations: false,
    });
    const disabled = load({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: '@opentelemetry/instrumentation-pg,ioredis,bullmq' });
    expect(disabled.instrumentations).toEqual(DEFAULT_INSTRUMENTATIONS.filter((name) => !['pg', 'ioredis', 'bullmq'].includes(name)));
    expect(disabled).toMatchObject({ disabledInstrumentations: ['pg', 'ioredis', 'bullmq'], defaultInstrumentations: true });
  });
});
