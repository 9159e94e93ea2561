import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import { packageOfSpecifier } from '../src/sdk-replacements/require-filter.js';

/**
 * The built package against its package.json: every module it imports at run time is declared,
 * optional peers are only ever imported on demand, and nothing declared goes unused.
 */
const PACKAGE = resolve('libs/tracing');
const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return builtFiles(path);
    return /\.(c|m)?js$/.test(entry.name) ? [path] : [];
  });
}

interface Use {
  file: string;
  packageName: string;
  dynamic: boolean;
}

function usesIn(file: string): Use[] {
  const text = readFileSync(file, 'utf8');
  const found: Use[] = [];
  const patterns: [RegExp, boolean][] = [
    [/^\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/gm, false],
    [/^\s*import\s*['"]([^'"]+)['"]/gm, false],
    [/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, true],
    // TypeScript's CommonJS form of `await import(x)`: a require deferred until the promise runs.
    [/\.then\(\(\) => __importStar\(require\(['"]([^'"]+)['"]\)\)\)/g, true],
    [/(?<!__importStar\()\brequire\(\s*['"]([^'"]+)['"]\s*\)/g, false],
  ];
  for (const [pattern, dynamic] of patterns) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[1];
      if (specifier.startsWith('.') || isBuiltin(specifier)) continue;
      found.push({ file: file.slice(PACKAGE.length + 1), packageName: packageOfSpecifier(specifier), dynamic });
    }
  }
  return found;
}

describe('the built package', () => {
  const uses = builtFiles(join(PACKAGE, 'dist')).flatMap(usesIn);
  const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
  const optional = new Set(
    Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional)
      .map(([name]) => name),
  );

  it('has been built', () => {
    expect(uses.length).toBeGreaterThan(50);
  });

  it('declares every package it imports', () => {
    expect(uses.filter((use) => !declared.has(use.packageName)).map((use) => `${use.file}: ${use.packageName}`)).toEqual([]);
  });

  it('imports optional peers only on demand, when a setting asks for them', () => {
    expect(uses.filter((use) => optional.has(use.packageName) && !use.dynamic).map((use) => `${use.file}: ${use.packageName}`)).toEqual([]);
  });

  it('names its instrumentation scope with its own name and version', async () => {
    const { PACKAGE_NAME, PACKAGE_VERSION } = await import('../src/package-info.js');
    const { name, version } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { name: string; version: string };
    expect({ PACKAGE_NAME, PACKAGE_VERSION }).toEqual({ PACKAGE_NAME: name, PACKAGE_VERSION: version });
  });

  it('imports every dependency it declares', () => {
    const imported = new Set(uses.map((use) => use.packageName));
    expect([...declared].filter((name) => !imported.has(name))).toEqual([]);
  });
});
