import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire, isBuiltin } from 'node:module';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_NAMES } from '../config/choices.js';
import { packageOfSpecifier } from '../sdk-replacements/require-filter.js';
import { BullMqInstrumentation } from './bullmq/bullmq-instrumentation.js';
import { CONTRIB_INSTRUMENTATIONS } from './contrib-instrumentations.js';
import { hookedSpecifiers, INSTRUMENTATIONS, loadInstrumentations, SUPPORTED_MAJORS } from './instrumentations.js';

/** The contrib instrumentations read nothing of the app they are built for. */
const APP = { appRequire: createRequire(import.meta.url), env: {} };

describe('loadInstrumentations', () => {
  let app: string;
  beforeEach(() => {
    app = mkdtempSync(join(tmpdir(), 'instrumented-app-'));
    writeFileSync(join(app, 'main.js'), '');
  });
  afterEach(() => rmSync(app, { recursive: true, force: true }));

  /** A package in the app's node_modules whose `exports` hides its package.json, as @nestjs/microservices does. */
  const install = (name: string, version: string) => {
    const directory = join(app, 'node_modules', name);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, version, exports: { '.': './index.js' } }));
    writeFileSync(join(directory, 'index.js'), '');
  };

  it('loads an instrumentation only when the app has its package, in a major it traces, and names any other major', async () => {
    install('@nestjs/microservices', '11.1.9');
    install('bullmq', '6.7.6');
    const warnings: string[] = [];
    const loaded = await loadInstrumentations(['http', 'pg', 'nestjs-microservices', 'bullmq'], {
      entry: join(app, 'main.js'),
      warn: (message) => warnings.push(message),
    });
    expect(loaded.map((instrumentation) => instrumentation.instrumentationName)).toEqual(['@opentelemetry/instrumentation-http', 'nestjs-tracing/bullmq']);
    expect(warnings).toEqual(['@nestjs/microservices 11.1.9 is not traced: the library traces its 12.x releases.']);
  });

  it('states the majors that BullMQ’s module definition supports', () => {
    const instrumentation = new BullMqInstrumentation() as unknown as InstrumentationBase;
    const ranges = instrumentation.getModuleDefinitions().flatMap((definition) => definition.supportedVersions);
    expect(ranges).toEqual(SUPPORTED_MAJORS.bullmq!.map((major) => `>=${major}.0.0 <${major + 1}`));
    instrumentation.disable();
  });

  it('leaves kafkajs and amqplib of the default set to Nest’s transports, and loads them when asked by name', async () => {
    mkdirSync(join(app, 'node_modules', '@nestjs'), { recursive: true });
    symlinkSync(resolve('node_modules/@nestjs/microservices'), join(app, 'node_modules', '@nestjs', 'microservices'));
    install('kafkajs', '2.2.4');
    install('amqplib', '0.10.9');
    const names = ['nestjs-microservices', 'kafkajs', 'amqplib'] as const;
    const entry = join(app, 'main.js');
    const fromDefaults = await loadInstrumentations(names, { entry, asked: [] });
    const asked = await loadInstrumentations(names, { entry, asked: ['kafkajs'] });
    [...fromDefaults, ...asked].forEach((instrumentation) => instrumentation.disable());
    expect(fromDefaults.map((instrumentation) => instrumentation.instrumentationName)).toEqual(['nestjs-tracing/microservices']);
    expect(asked.map((instrumentation) => instrumentation.instrumentationName)).toEqual([
      '@opentelemetry/instrumentation-kafkajs',
      'nestjs-tracing/microservices',
    ]);
  });

  it('builds an instrumentation with the user’s options over the library’s defaults', async () => {
    install('pg', '8.16.0');
    const [pg] = await loadInstrumentations(['pg'], { entry: join(app, 'main.js'), options: { pg: { enhancedDatabaseReporting: true } } });
    pg.disable();
    expect(pg.getConfig()).toMatchObject({ enhancedDatabaseReporting: true, requireParentSpan: true, ignoreConnectSpans: true });
  });

  it('hooks the modules of the named instrumentations and of the app’s own', async () => {
    const extra = await CONTRIB_INSTRUMENTATIONS.dataloader.build({ enabled: false }, APP);
    expect(hookedSpecifiers(['pg', 'mysql2'], [extra])).toEqual(['pg', 'pg-pool', 'mysql2', 'dataloader']);
  });
});

describe('the instrumentations', () => {
  it('has an entry for every name', () => {
    expect(Object.keys(INSTRUMENTATIONS).sort()).toEqual([...INSTRUMENTATION_NAMES].sort());
  });

  // A new release of a contrib package may patch another module: the hooks would then miss it.
  it.each(Object.keys(CONTRIB_INSTRUMENTATIONS))('hooks exactly the modules that %s’s definitions patch', async (name) => {
    const entry = CONTRIB_INSTRUMENTATIONS[name as keyof typeof CONTRIB_INSTRUMENTATIONS];
    const instrumentation = (await entry.build({ enabled: false }, APP)) as InstrumentationBase;
    const defined = [...new Set(instrumentation.getModuleDefinitions().map((definition) => definition.name))];
    const hooked = entry.specifiers.filter((specifier) => !specifier.startsWith('node:'));
    expect(hooked.sort()).toEqual(defined.sort());
    for (const packageName of entry.packages ?? []) expect(defined.map(packageOfSpecifier)).toContain(packageName);
    if (entry.packages === undefined) expect(defined.every((module) => isBuiltin(module))).toBe(true);
  });
});
