import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPreloadOptions, chooseInstrumentations, readPreloadOptions } from './preload-options.js';

describe('readPreloadOptions', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'preload-options-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('reads nestjs-tracing.config.mjs from the working directory, and nothing when there is none', async () => {
    expect(await readPreloadOptions({}, cwd)).toEqual({});
    writeFileSync(join(cwd, 'nestjs-tracing.config.mjs'), 'export default { instrumentations: { pg: { enhancedDatabaseReporting: true } } };');
    expect(await readPreloadOptions({}, cwd)).toEqual({ instrumentations: { pg: { enhancedDatabaseReporting: true } } });
  });

  it('reads the file TRACING_CONFIG_FILE names, and refuses one that is missing or fails to load', async () => {
    writeFileSync(join(cwd, 'other.cjs'), 'module.exports = { instrumentations: { fs: {} } };');
    writeFileSync(join(cwd, 'broken.mjs'), 'throw new Error("no such thing\\nsecond line");');
    expect(await readPreloadOptions({ TRACING_CONFIG_FILE: 'other.cjs' }, cwd)).toEqual({ instrumentations: { fs: {} } });
    await expect(readPreloadOptions({ TRACING_CONFIG_FILE: 'missing.mjs' }, cwd)).rejects.toThrow('Invalid TRACING_CONFIG_FILE="missing.mjs": no such file');
    await expect(readPreloadOptions({ TRACING_CONFIG_FILE: 'broken.mjs' }, cwd)).rejects.toThrow(
      /^Invalid TRACING_CONFIG_FILE="broken.mjs": failed to load: no such thing$/,
    );
  });
});

describe('checkPreloadOptions', () => {
  const instrumentation = { setTracerProvider: () => undefined, enable: () => undefined };

  it('accepts options by name and built instrumentations', () => {
    const options = { instrumentations: { mysql2: { maskStatement: false } }, extraInstrumentations: [instrumentation] };
    expect(checkPreloadOptions(options, 'f.mjs')).toBe(options);
  });

  it.each([
    [undefined, 'Invalid f.mjs="default export": expected an object with instrumentations and/or extraInstrumentations'],
    [{ instrumentation: {} }, 'Invalid f.mjs="instrumentation": allowed keys are instrumentations, extraInstrumentations'],
    [{ instrumentations: { mysql3: {} } }, 'Invalid f.mjs="instrumentations.mysql3": allowed names are nestjs-microservices,'],
    [{ instrumentations: { pg: true } }, 'Invalid f.mjs="instrumentations.pg": expected an object of options'],
    [{ extraInstrumentations: instrumentation }, 'Invalid f.mjs="extraInstrumentations": expected an array of instrumentations'],
    [{ extraInstrumentations: [instrumentation, {}] }, 'Invalid f.mjs="extraInstrumentations[1]": expected an instrumentation'],
  ])('refuses %j with one line', (exported, message) => {
    expect(() => checkPreloadOptions(exported, 'f.mjs')).toThrow(message);
  });
});

describe('chooseInstrumentations', () => {
  const defaults = { instrumentations: ['http', 'pg', 'kafkajs'] as const, disabledInstrumentations: [] as const, defaultInstrumentations: true };
  const config = (overrides: object) => ({ ...defaults, instrumentations: [...defaults.instrumentations], disabledInstrumentations: [], ...overrides });

  it('adds what the options name, drops what they turn off, and counts only those as asked for by name', () => {
    const chosen = chooseInstrumentations(config({}), { instrumentations: { fs: {}, pg: { enhancedDatabaseReporting: true }, kafkajs: { enabled: false } } });
    expect(chosen).toEqual({ names: ['http', 'pg', 'fs'], asked: ['fs', 'pg'] });
  });

  it('keeps off what OTEL_NODE_DISABLED_INSTRUMENTATIONS names, even when the options configure it', () => {
    expect(chooseInstrumentations(config({ disabledInstrumentations: ['fs'] }), { instrumentations: { fs: {} } }).names).toEqual(['http', 'pg', 'kafkajs']);
  });

  it('counts the whole list as asked for when OTEL_NODE_ENABLED_INSTRUMENTATIONS chose it', () => {
    expect(chooseInstrumentations(config({ defaultInstrumentations: false }), {}).asked).toEqual(['http', 'pg', 'kafkajs']);
  });
});
