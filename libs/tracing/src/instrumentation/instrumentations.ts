import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Instrumentation, InstrumentationBase } from '@opentelemetry/instrumentation';
import type { GraphQLInstrumentationConfig } from '@opentelemetry/instrumentation-graphql';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { Env } from '../config/env.js';
import type { InstrumentationName } from '../config/tracing-config.js';
import { type AppContext, CONTRIB_INSTRUMENTATIONS, type InstrumentationEntry } from './contrib-instrumentations.js';

/**
 * Nest's own ES-module packages, patched in the copy the app loads rather than through the module
 * hooks: wrapping an ES module puts a proxy in front of every import of it, which made every HTTP
 * request of an app with @nestjs/microservices measurably slower.
 */
function patchedInPlace(packageName: string, load: (appRequire: NodeJS.Require) => Promise<Instrumentation>): InstrumentationEntry & { patchedInPlace: true } {
  return { specifiers: [], packages: [packageName], patchedInPlace: true, build: (_options, { appRequire }) => load(appRequire) };
}

/** The library's own instrumentations, and the contrib ones it builds its own way. */
const OWN_INSTRUMENTATIONS = {
  // Incoming requests get the library's own server span (ServerRequestTracer): the
  // instrumentation's parses every URL and binds both emitters of every request, sampled or not.
  http: {
    specifiers: ['http', 'node:http', 'https', 'node:https'],
    build: async (options: HttpInstrumentationConfig) => {
      const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
      return new HttpInstrumentation({ ...options, disableIncomingRequestInstrumentation: true });
    },
  } satisfies InstrumentationEntry<HttpInstrumentationConfig>,
  graphql: {
    specifiers: ['graphql'],
    packages: ['graphql'],
    build: async (options: GraphQLInstrumentationConfig) => (await import('./graphql/graphql-instrumentation.js')).graphqlInstrumentation(options),
  } satisfies InstrumentationEntry<GraphQLInstrumentationConfig>,
  bullmq: { specifiers: ['bullmq'], packages: ['bullmq'], build: async () => new (await import('./bullmq/bullmq-instrumentation.js')).BullMqInstrumentation() },
  // Nest loads this package itself whenever the app has it (for connectMicroservice), so it is
  // loaded here, first, at little cost; the app then gets the same copy, whose classes are patched.
  'nestjs-microservices': patchedInPlace('@nestjs/microservices', async (appRequire) => {
    const { NestMicroservicesInstrumentation } = await import('./microservices/microservices-instrumentation.js');
    return new NestMicroservicesInstrumentation(appRequire('@nestjs/microservices') as object);
  }),
  'nestjs-schedule': patchedInPlace('@nestjs/schedule', async (appRequire) => {
    const { NestScheduleInstrumentation } = await import('./schedule/schedule-instrumentation.js');
    return new NestScheduleInstrumentation(appRequire('@nestjs/schedule') as object);
  }),
  'nestjs-event-emitter': patchedInPlace('@nestjs/event-emitter', async (appRequire) => {
    const { NestEventEmitterInstrumentation } = await import('./events/event-emitter-instrumentation.js');
    return new NestEventEmitterInstrumentation(appRequire('@nestjs/event-emitter') as object);
  }),
};

/** Every instrumentation the library can load, by its `OTEL_NODE_ENABLED_INSTRUMENTATIONS` name. */
export const INSTRUMENTATIONS: Record<InstrumentationName, InstrumentationEntry & { patchedInPlace?: true }> = {
  ...CONTRIB_INSTRUMENTATIONS,
  ...OWN_INSTRUMENTATIONS,
};

type OptionsOf<Entry> = Entry extends InstrumentationEntry<infer Options> ? Options : never;
type Configurable = typeof CONTRIB_INSTRUMENTATIONS & Pick<typeof OWN_INSTRUMENTATIONS, 'http' | 'graphql'>;

/**
 * Options for the instrumentations, by name: each one's own configuration, as its package documents
 * it, applied over the library's defaults (see the package README's table).
 */
export type InstrumentationOptions = { [Name in keyof Configurable]?: OptionsOf<Configurable[Name]> };

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

/** The module specifiers the named instrumentations and the app's own ones patch. */
export function hookedSpecifiers(names: readonly InstrumentationName[], extra: readonly Instrumentation[] = []): string[] {
  const own = names.flatMap((name) => INSTRUMENTATIONS[name].specifiers);
  const extras = extra.flatMap((instrumentation) => moduleNames(instrumentation));
  return [...new Set([...own, ...extras])];
}

function moduleNames(instrumentation: Instrumentation): string[] {
  const definitions = (instrumentation as Partial<InstrumentationBase>).getModuleDefinitions?.() ?? [];
  return definitions.map((definition) => definition.name);
}

export interface LoadOptions {
  /** Each instrumentation's options, by name. */
  options?: InstrumentationOptions;
  /** The app's entry file, from which packages are looked up. */
  entry?: string;
  env?: Env;
  /**
   * The names asked for by name (`OTEL_NODE_ENABLED_INSTRUMENTATIONS`, the options); the others came
   * from the default set. Default: all of them.
   */
  asked?: readonly InstrumentationName[];
  /** Hears of an installed package in a version no instrumentation of ours traces. */
  warn?: (message: string) => void;
}

/**
 * The instrumentations asked for whose package the app has: an app without `pg` loads nothing
 * pg-related. Packages are looked up from the app's entry file, as the app itself finds them.
 */
export async function loadInstrumentations(names: readonly InstrumentationName[], load: LoadOptions = {}): Promise<Instrumentation[]> {
  const { options = {}, entry = process.argv[1], env = process.env, asked = names, warn = () => undefined } = load;
  const app: AppContext = { appRequire: createRequire(entry ? resolve(entry) : resolve('package.json')), env };
  const installed = names.filter((name) => {
    const packages = INSTRUMENTATIONS[name].packages;
    if (packages === undefined) return true;
    return packages.some((packageName) => {
      const version = installedVersion(app.appRequire, packageName);
      const majors = SUPPORTED_MAJORS[name];
      if (version !== undefined && majors && !majors.includes(Number(version.split('.')[0]))) {
        warn(`${packageName} ${version} is not traced: the library traces its ${majors.join(', ')}.x releases.`);
        return false;
      }
      return version !== undefined;
    });
  });
  const wanted = installed.filter((name) => {
    const yieldsTo = INSTRUMENTATIONS[name].yieldsTo;
    return yieldsTo === undefined || asked.includes(name) || !installed.includes(yieldsTo);
  });
  const build = (name: InstrumentationName) => INSTRUMENTATIONS[name].build((options as Record<string, object>)[name] ?? {}, app);
  // Loading a Nest package loads @nestjs/core, which imports `http`: every other instrumentation
  // must have its hooks in place first.
  const hooked = await Promise.all(wanted.filter((name) => !INSTRUMENTATIONS[name].patchedInPlace).map(build));
  const loadedHere = await Promise.all(wanted.filter((name) => INSTRUMENTATIONS[name].patchedInPlace).map(build));
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
