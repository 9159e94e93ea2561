import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { InstrumentationName } from '../config/tracing-config.js';

/** The specifiers each instrumentation patches; only these go through the module hooks. */
export const HOOKED_SPECIFIERS: Record<InstrumentationName, string[]> = {
  http: ['http', 'node:http', 'https', 'node:https'],
  undici: ['undici'],
  express: ['express'],
  pg: ['pg', 'pg-pool'],
  ioredis: ['ioredis'],
  // Wrapping the ES module @nestjs/microservices made every HTTP request of an app that has it
  // measurably slower: see PATCHED_IN_PLACE.
  'nestjs-microservices': [],
  grpc: ['@grpc/grpc-js'],
  bullmq: ['bullmq'],
  'nestjs-schedule': [],
  'nestjs-event-emitter': [],
  graphql: ['graphql'],
};

/**
 * Nest's own ES-module packages, patched in the copy the app loads rather than through the module
 * hooks: wrapping an ES module puts a proxy in front of every import of it.
 */
const PATCHED_IN_PLACE: readonly InstrumentationName[] = ['nestjs-microservices', 'nestjs-schedule', 'nestjs-event-emitter'];

/** The npm package an instrumentation needs in the app; `http` and `undici` (fetch) are part of Node. */
const INSTRUMENTED_PACKAGE: Partial<Record<InstrumentationName, string>> = {
  express: 'express',
  pg: 'pg',
  ioredis: 'ioredis',
  'nestjs-microservices': '@nestjs/microservices',
  grpc: '@grpc/grpc-js',
  bullmq: 'bullmq',
  'nestjs-schedule': '@nestjs/schedule',
  'nestjs-event-emitter': '@nestjs/event-emitter',
  graphql: 'graphql',
};

/**
 * The major versions of the instrumented package that the library's own instrumentations were
 * written against (their module definitions' ranges; a test keeps the two equal). Another major is
 * left untraced, and named at startup rather than silently.
 */
export const SUPPORTED_MAJORS: Partial<Record<InstrumentationName, number[]>> = {
  'nestjs-microservices': [12],
  bullmq: [6],
  'nestjs-schedule': [12],
  'nestjs-event-emitter': [12],
  graphql: [14, 15, 16],
};

/** Makes an instrumentation; `appRequire` finds packages as the app finds them. */
type Loader = (appRequire: NodeJS.Require) => Promise<Instrumentation>;

/** Only the instrumentations in use are imported: each costs startup time and per-call patching. */
const LOADERS: Record<InstrumentationName, Loader> = {
  http: async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    // Incoming requests get the library's own server span (ServerRequestTracer): the
    // instrumentation's parses every URL and binds both emitters of every request, sampled or not.
    return new HttpInstrumentation({ disableIncomingRequestInstrumentation: true });
  },
  undici: async () => {
    const { UndiciInstrumentation } = await import('@opentelemetry/instrumentation-undici');
    return new UndiciInstrumentation();
  },
  express: async () => {
    const { ExpressInstrumentation } = await import('@opentelemetry/instrumentation-express');
    return new ExpressInstrumentation();
  },
  pg: async () => {
    const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
    // Pool housekeeping outside a request is noise, and so is a span per connection checkout (a
    // wait for the pool shows as the gap before the first query); query values never leave the process.
    return new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true, enhancedDatabaseReporting: false });
  },
  ioredis: async () => {
    const { IORedisInstrumentation } = await import('@opentelemetry/instrumentation-ioredis');
    return new IORedisInstrumentation({ requireParentSpan: true });
  },
  'nestjs-microservices': async (appRequire) => {
    const { NestMicroservicesInstrumentation } = await import('./microservices/microservices-instrumentation.js');
    // Nest loads this package itself whenever the app has it (for connectMicroservice), so it is
    // loaded here, first, at little cost; the app then gets the same copy, whose classes are patched.
    return new NestMicroservicesInstrumentation(appRequire('@nestjs/microservices') as object);
  },
  grpc: async () => {
    const { GrpcInstrumentation } = await import('@opentelemetry/instrumentation-grpc');
    return new GrpcInstrumentation();
  },
  bullmq: async () => {
    const { BullMqInstrumentation } = await import('./bullmq/bullmq-instrumentation.js');
    return new BullMqInstrumentation();
  },
  'nestjs-schedule': async (appRequire) => {
    const { NestScheduleInstrumentation } = await import('./schedule/schedule-instrumentation.js');
    return new NestScheduleInstrumentation(appRequire('@nestjs/schedule') as object);
  },
  'nestjs-event-emitter': async (appRequire) => {
    const { NestEventEmitterInstrumentation } = await import('./events/event-emitter-instrumentation.js');
    return new NestEventEmitterInstrumentation(appRequire('@nestjs/event-emitter') as object);
  },
  graphql: async () => {
    const { graphqlInstrumentation } = await import('./graphql/graphql-instrumentation.js');
    return graphqlInstrumentation();
  },
};

/**
 * The instrumentations asked for whose package the app has: an app without `pg` loads nothing
 * pg-related. Packages are looked up from the app's entry file, as the app itself finds them.
 * `warn` hears of an installed package in a version no instrumentation of ours traces.
 */
export async function loadInstrumentations(
  names: readonly InstrumentationName[],
  entry = process.argv[1],
  warn: (message: string) => void = () => undefined,
): Promise<Instrumentation[]> {
  const appRequire = createRequire(entry ? resolve(entry) : resolve('package.json'));
  const installed = names.filter((name) => {
    const packageName = INSTRUMENTED_PACKAGE[name];
    if (packageName === undefined) return true;
    const version = installedVersion(appRequire, packageName);
    const majors = SUPPORTED_MAJORS[name];
    if (version !== undefined && majors && !majors.includes(Number(version.split('.')[0]))) {
      warn(`${packageName} ${version} is not traced: the library traces its ${majors.join(', ')}.x releases.`);
      return false;
    }
    return version !== undefined;
  });
  // Loading a Nest package loads @nestjs/core, which imports `http`: every other instrumentation
  // must have its hooks in place first.
  const hooked = await Promise.all(installed.filter((name) => !PATCHED_IN_PLACE.includes(name)).map((name) => LOADERS[name](appRequire)));
  const loadedHere = await Promise.all(installed.filter((name) => PATCHED_IN_PLACE.includes(name)).map((name) => LOADERS[name](appRequire)));
  return [...hooked, ...loadedHere];
}

/**
 * The version of the app's copy of `packageName`, found from its entry point (a package's
 * `exports` may not expose its package.json), or undefined when the app does not have it.
 */
function installedVersion(appRequire: NodeJS.Require, packageName: string): string | undefined {
  let directory: string;
  try {
    directory = dirname(appRequire.resolve(packageName));
  } catch {
    return undefined;
  }
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === packageName) return manifest.version ?? '0.0.0';
    } catch {
      // No package.json here, or one of a folder inside the package: look further up.
    }
    const parent = dirname(directory);
    if (parent === directory) return '0.0.0';
    directory = parent;
  }
}
