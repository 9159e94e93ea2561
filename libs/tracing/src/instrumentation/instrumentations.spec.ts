import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import { BullMqInstrumentation } from './bullmq/bullmq-instrumentation.js';
import { loadInstrumentations, SUPPORTED_MAJORS } from './instrumentations.js';

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
    const loaded = await loadInstrumentations(['http', 'pg', 'nestjs-microservices', 'bullmq'], join(app, 'main.js'), (message) => warnings.push(message));
    expect(loaded.map((instrumentation) => instrumentation.instrumentationName)).toEqual(['@opentelemetry/instrumentation-http', 'nestjs-tracing/bullmq']);
    expect(warnings).toEqual(['@nestjs/microservices 11.1.9 is not traced: the library traces its 12.x releases.']);
  });

  it('states the majors that BullMQ’s module definition supports', () => {
    const instrumentation = new BullMqInstrumentation() as unknown as InstrumentationBase;
    const ranges = instrumentation.getModuleDefinitions().flatMap((definition) => definition.supportedVersions);
    expect(ranges).toEqual(SUPPORTED_MAJORS.bullmq!.map((major) => `>=${major}.0.0 <${major + 1}`));
    instrumentation.disable();
  });
});
