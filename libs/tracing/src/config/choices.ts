/** The values each setting accepts, and the defaults of the ones with a fixed default. */

export const EXPORTER_NAMES = ['console', 'jaeger', 'zipkin', 'otlp', 'none'] as const;
/** `OTEL_TRACES_EXPORTER` values of the SDK environment variable specification (its `jaeger` was withdrawn). */
export const STANDARD_TRACE_EXPORTERS = ['otlp', 'zipkin', 'console', 'none'] as const;
/** `TRACING_CONSOLE_FORMAT`: a tree per trace, or the SDK's object per span. */
export const CONSOLE_FORMATS = ['tree', 'raw'] as const;
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
/** The `OTEL_TRACES_SAMPLER` values of the SDK environment variable specification. */
export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
/** `OTEL_LOG_LEVEL` values (the specification's, in lower case; any case is accepted). */
export const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
export const PROPAGATOR_NAMES = ['tracecontext', 'baggage', 'b3', 'b3multi', 'none'] as const;
/** `OTEL_NODE_RESOURCE_DETECTORS` values, as sdk-node reads them. */
export const RESOURCE_DETECTOR_NAMES = ['host', 'os', 'process', 'serviceinstance', 'env', 'all', 'none'] as const;
/**
 * The library's own instrumentations (Nest's packages, BullMQ), then every instrumentation of the
 * OpenTelemetry contrib set that `@opentelemetry/auto-instrumentations-node` bundles, under the names
 * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` uses.
 */
export const INSTRUMENTATION_NAMES = [
  'nestjs-microservices',
  'nestjs-schedule',
  'nestjs-event-emitter',
  'bullmq',
  'amqplib',
  'aws-lambda',
  'aws-sdk',
  'bunyan',
  'cassandra-driver',
  'connect',
  'cucumber',
  'dataloader',
  'dns',
  'express',
  'fs',
  'generic-pool',
  'graphql',
  'grpc',
  'hapi',
  'host-metrics',
  'http',
  'ioredis',
  'kafkajs',
  'knex',
  'koa',
  'lru-memoizer',
  'memcached',
  'mongodb',
  'mongoose',
  'mysql',
  'mysql2',
  'nestjs-core',
  'net',
  'openai',
  'oracledb',
  'pg',
  'pino',
  'redis',
  'restify',
  'router',
  'runtime-node',
  'socket.io',
  'tedious',
  'undici',
  'winston',
] as const;

/**
 * On unless turned off, each loaded only when the app has its package: clients of databases,
 * caches, queues and brokers, outgoing HTTP and gRPC, GraphQL, the loggers' trace ids, and Nest's
 * own entry points. The rest is opt-in: web frameworks' middleware spans repeat what the
 * interceptor shows (express, connect, koa, hapi, restify, router, nestjs-core, socket.io), `fs`,
 * `dns` and `net` make a span for every call, and the others serve narrower cases (Lambda handlers,
 * Cucumber steps, pools, memoizers, DataLoader batches, OpenAI calls, host and runtime metrics).
 */
export const DEFAULT_INSTRUMENTATIONS: readonly (typeof INSTRUMENTATION_NAMES)[number][] = [
  'nestjs-microservices',
  'nestjs-schedule',
  'nestjs-event-emitter',
  'bullmq',
  'http',
  'undici',
  'grpc',
  'graphql',
  'pg',
  'mysql',
  'mysql2',
  'mongodb',
  'mongoose',
  'knex',
  'tedious',
  'oracledb',
  'cassandra-driver',
  'ioredis',
  'redis',
  'memcached',
  'kafkajs',
  'amqplib',
  'aws-sdk',
  'pino',
  'winston',
  'bunyan',
];

export const DEFAULT_JAEGER_ENDPOINT = 'http://localhost:4318/v1/traces';
export const DEFAULT_ZIPKIN_ENDPOINT = 'http://localhost:9411/api/v2/spans';
export const DEFAULT_OTLP_HTTP_ENDPOINT = 'http://localhost:4318';
export const DEFAULT_OTLP_GRPC_ENDPOINT = 'http://localhost:4317';

/** Inbound W3C baggage kept per request (`TRACING_BAGGAGE_MAX_ENTRIES`, `TRACING_BAGGAGE_MAX_BYTES`). */
export const DEFAULT_BAGGAGE_MAX_ENTRIES = 16;
export const DEFAULT_BAGGAGE_MAX_BYTES = 1024;
