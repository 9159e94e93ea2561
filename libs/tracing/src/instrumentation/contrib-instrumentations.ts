import type { Instrumentation } from '@opentelemetry/instrumentation';
import { type Env, readEnv } from '../config/env.js';
import type { InstrumentationName } from '../config/tracing-config.js';
import { bypassWhenUnsampled } from './unsampled-bypass.js';
import { withinTracesOnly } from './within-traces.js';

/** How the library finds, patches and builds one instrumentation. */
export interface InstrumentationEntry<Options extends object = object> {
  /** The module specifiers it patches: only these go through the module hooks. */
  specifiers: readonly string[];
  /**
   * The app's packages it instruments: it is loaded when the app has any one of them. Absent for
   * what every app has (Node's own modules, the Lambda runtime, host and runtime metrics).
   */
  packages?: readonly string[];
  /**
   * Left out of the default set when this other instrumentation is loaded, because that one traces
   * the same calls: kafkajs and amqplib yield to Nest's transports. Asked for by name, it loads.
   */
  yieldsTo?: InstrumentationName;
  /** Builds it: the preload options' `options` over the library's defaults. */
  build(options: Options, app: AppContext): Promise<Instrumentation>;
}

/** What an instrumentation may need to know about the app it is built for. */
export interface AppContext {
  /** Finds packages as the app finds them. */
  appRequire: NodeJS.Require;
  env: Env;
}

// The constructors differ in their config type alone, which ConfigOf reads back.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type InstrumentationClass = new (config?: any) => Instrumentation;
/**
 * A constructor's config, written out key by key: several packages type it with the
 * `InstrumentationConfig` of their own nested copy of @opentelemetry/instrumentation, which the
 * library's declaration files could not name.
 */
type ConfigOf<C extends InstrumentationClass> = { [Key in keyof NonNullable<ConstructorParameters<C>[0]>]?: NonNullable<ConstructorParameters<C>[0]>[Key] };

/** One contrib instrumentation: its class, imported only when used, built with `defaults` under the user's options. */
function contrib<C extends InstrumentationClass>(
  specifiers: readonly string[],
  packages: readonly string[] | undefined,
  load: () => Promise<C>,
  defaults: (env: Env) => Partial<ConfigOf<C>> = () => ({}),
): InstrumentationEntry<ConfigOf<C>> {
  return {
    specifiers,
    packages,
    build: async (options, { env }) => {
      const Class = await load();
      return new Class({ ...defaults(env), ...options } as never);
    },
  };
}

/** ioredis's instrumentation: the function that wraps `sendCommand` in its span (see `bypassWhenUnsampled`). */
export const IOREDIS_TRACED_COMMAND = '_traceSendCommand';

/** A client's instrumentation that only makes spans: under an unsampled parent its calls run unpatched. */
function bypassingUnsampled<Options extends object>(entry: InstrumentationEntry<Options>, method: string): InstrumentationEntry<Options> {
  return { ...entry, build: async (options, app) => bypassWhenUnsampled(await entry.build(options, app), method) };
}

/**
 * A database client's instrumentation that has no `requireParentSpan` option, given it: its spans
 * exist only inside a trace unless the options say `requireParentSpan: false`.
 */
function withinTraces<Options extends object>(entry: InstrumentationEntry<Options>): InstrumentationEntry<Options & { requireParentSpan?: boolean }> {
  return {
    ...entry,
    build: async ({ requireParentSpan = true, ...options }, app) => {
      const instrumentation = await entry.build(options as Options, app);
      return requireParentSpan ? withinTracesOnly(instrumentation) : instrumentation;
    },
  };
}

/** winston's and bunyan's records go to OpenTelemetry only when `OTEL_LOGS_EXPORTER` starts a logs pipeline; their lines get the trace ids either way. */
const logSending = (env: Env) => {
  const logs = readEnv(env, 'OTEL_LOGS_EXPORTER');
  return { disableLogSending: logs === undefined || logs === 'none' };
};

/**
 * The contrib set, each under the defaults a production Nest app wants. The rule for the defaults:
 * no value of a query or message leaves the process (statements are kept with their placeholders,
 * never with the values), and a client's housekeeping outside a trace makes no spans.
 */
export const CONTRIB_INSTRUMENTATIONS = {
  amqplib: {
    ...contrib(['amqplib'], ['amqplib'], async () => (await import('@opentelemetry/instrumentation-amqplib')).AmqplibInstrumentation),
    yieldsTo: 'nestjs-microservices' as const,
  },
  'aws-lambda': contrib([], undefined, async () => (await import('@opentelemetry/instrumentation-aws-lambda')).AwsLambdaInstrumentation),
  'aws-sdk': contrib(
    ['@aws-sdk/middleware-stack', '@smithy/middleware-stack', '@smithy/core', '@aws-sdk/smithy-client', '@smithy/smithy-client'],
    ['@smithy/smithy-client', '@aws-sdk/smithy-client'],
    async () => (await import('@opentelemetry/instrumentation-aws-sdk')).AwsInstrumentation,
  ),
  bunyan: contrib(['bunyan'], ['bunyan'], async () => (await import('@opentelemetry/instrumentation-bunyan')).BunyanInstrumentation, logSending),
  'cassandra-driver': withinTraces(
    contrib(
      ['cassandra-driver'],
      ['cassandra-driver'],
      async () => (await import('@opentelemetry/instrumentation-cassandra-driver')).CassandraDriverInstrumentation,
    ),
  ),
  connect: contrib(['connect'], ['connect'], async () => (await import('@opentelemetry/instrumentation-connect')).ConnectInstrumentation),
  cucumber: contrib(
    ['@cucumber/cucumber'],
    ['@cucumber/cucumber'],
    async () => (await import('@opentelemetry/instrumentation-cucumber')).CucumberInstrumentation,
  ),
  dataloader: contrib(['dataloader'], ['dataloader'], async () => (await import('@opentelemetry/instrumentation-dataloader')).DataloaderInstrumentation),
  dns: contrib(
    ['dns', 'node:dns', 'dns/promises', 'node:dns/promises'],
    undefined,
    async () => (await import('@opentelemetry/instrumentation-dns')).DnsInstrumentation,
  ),
  express: contrib(['express'], ['express'], async () => (await import('@opentelemetry/instrumentation-express')).ExpressInstrumentation),
  fs: contrib(
    ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'],
    undefined,
    async () => (await import('@opentelemetry/instrumentation-fs')).FsInstrumentation,
    () => ({
      requireParentSpan: true,
    }),
  ),
  'generic-pool': contrib(
    ['generic-pool'],
    ['generic-pool'],
    async () => (await import('@opentelemetry/instrumentation-generic-pool')).GenericPoolInstrumentation,
  ),
  grpc: contrib(['@grpc/grpc-js'], ['@grpc/grpc-js'], async () => (await import('@opentelemetry/instrumentation-grpc')).GrpcInstrumentation),
  hapi: contrib(['@hapi/hapi'], ['@hapi/hapi'], async () => (await import('@opentelemetry/instrumentation-hapi')).HapiInstrumentation),
  'host-metrics': contrib([], undefined, async () => (await import('@opentelemetry/instrumentation-host-metrics')).HostMetricsInstrumentation),
  ioredis: bypassingUnsampled(
    contrib(
      ['ioredis'],
      ['ioredis'],
      async () => (await import('@opentelemetry/instrumentation-ioredis')).IORedisInstrumentation,
      () => ({
        requireParentSpan: true,
      }),
    ),
    IOREDIS_TRACED_COMMAND,
  ),
  kafkajs: {
    ...contrib(['kafkajs'], ['kafkajs'], async () => (await import('@opentelemetry/instrumentation-kafkajs')).KafkaJsInstrumentation),
    yieldsTo: 'nestjs-microservices' as const,
  },
  knex: contrib(
    ['knex'],
    ['knex'],
    async () => (await import('@opentelemetry/instrumentation-knex')).KnexInstrumentation,
    () => ({ requireParentSpan: true }),
  ),
  koa: contrib(['koa'], ['koa'], async () => (await import('@opentelemetry/instrumentation-koa')).KoaInstrumentation),
  'lru-memoizer': contrib(
    ['lru-memoizer'],
    ['lru-memoizer'],
    async () => (await import('@opentelemetry/instrumentation-lru-memoizer')).LruMemoizerInstrumentation,
  ),
  memcached: withinTraces(
    contrib(['memcached'], ['memcached'], async () => (await import('@opentelemetry/instrumentation-memcached')).MemcachedInstrumentation),
  ),
  mongodb: contrib(
    ['mongodb'],
    ['mongodb'],
    async () => (await import('@opentelemetry/instrumentation-mongodb')).MongoDBInstrumentation,
    () => ({
      requireParentSpan: true,
    }),
  ),
  mongoose: contrib(
    ['mongoose'],
    ['mongoose'],
    async () => (await import('@opentelemetry/instrumentation-mongoose')).MongooseInstrumentation,
    () => ({
      requireParentSpan: true,
    }),
  ),
  mysql: withinTraces(contrib(['mysql'], ['mysql'], async () => (await import('@opentelemetry/instrumentation-mysql')).MySQLInstrumentation)),
  // mysql2 writes a query's values into its text unless the statement is masked.
  mysql2: withinTraces(
    contrib(
      ['mysql2'],
      ['mysql2'],
      async () => (await import('@opentelemetry/instrumentation-mysql2')).MySQL2Instrumentation,
      () => ({ maskStatement: true }),
    ),
  ),
  'nestjs-core': contrib(['@nestjs/core'], ['@nestjs/core'], async () => (await import('@opentelemetry/instrumentation-nestjs-core')).NestInstrumentation),
  net: contrib(['net', 'node:net'], undefined, async () => (await import('@opentelemetry/instrumentation-net')).NetInstrumentation),
  openai: contrib(['openai'], ['openai'], async () => (await import('@opentelemetry/instrumentation-openai')).OpenAIInstrumentation),
  oracledb: contrib(
    ['oracledb'],
    ['oracledb'],
    async () => (await import('@opentelemetry/instrumentation-oracledb')).OracleInstrumentation,
    () => ({
      requireParentSpan: true,
    }),
  ),
  // Pool housekeeping outside a request is noise, and so is a span per connection checkout (a wait
  // for the pool shows as the gap before the first query).
  pg: contrib(
    ['pg', 'pg-pool'],
    ['pg'],
    async () => (await import('@opentelemetry/instrumentation-pg')).PgInstrumentation,
    () => ({
      requireParentSpan: true,
      ignoreConnectSpans: true,
    }),
  ),
  // pino's lines reach OTLP through its own transport, in a worker thread (see the README): sending
  // them from here too would build every record on the request thread, and deliver each line twice.
  pino: contrib(
    ['pino'],
    ['pino'],
    async () => (await import('@opentelemetry/instrumentation-pino')).PinoInstrumentation,
    () => ({
      disableLogSending: true,
    }),
  ),
  redis: contrib(
    ['redis', '@redis/client', '@node-redis/client'],
    ['redis', '@redis/client'],
    async () => (await import('@opentelemetry/instrumentation-redis')).RedisInstrumentation,
    () => ({
      requireParentSpan: true,
    }),
  ),
  restify: contrib(['restify'], ['restify'], async () => (await import('@opentelemetry/instrumentation-restify')).RestifyInstrumentation),
  router: contrib(['router'], ['router'], async () => (await import('@opentelemetry/instrumentation-router')).RouterInstrumentation),
  'runtime-node': contrib([], undefined, async () => (await import('@opentelemetry/instrumentation-runtime-node')).RuntimeNodeInstrumentation),
  'socket.io': contrib(['socket.io'], ['socket.io'], async () => (await import('@opentelemetry/instrumentation-socket.io')).SocketIoInstrumentation),
  tedious: withinTraces(contrib(['tedious'], ['tedious'], async () => (await import('@opentelemetry/instrumentation-tedious')).TediousInstrumentation)),
  // fetch and undici publish their requests on diagnostics channels: nothing to hook.
  undici: contrib([], undefined, async () => (await import('@opentelemetry/instrumentation-undici')).UndiciInstrumentation),
  winston: contrib(['winston'], ['winston'], async () => (await import('@opentelemetry/instrumentation-winston')).WinstonInstrumentation, logSending),
};
