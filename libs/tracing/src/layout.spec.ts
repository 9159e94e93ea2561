import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The library's folders, lowest first. A file may import from its own folder or from a folder
 * below it, never from one above: the layout then reads bottom-up, and no folder depends on what
 * is built on it. The root files (`tracing.interfaces.ts`, `tracing.constants.ts`, the module
 * definition) hold only types and tokens and may be imported from anywhere; the entry points
 * (the module, its providers, `index.ts`, `register.ts`) sit on top.
 */
const LAYERS = [
  ['config'],
  ['redaction'],
  ['sdk-replacements'],
  ['spans'],
  ['exporters', 'instrumentation'],
  ['runtime'],
  ['api'],
  ['http'],
  ['metrics', 'logging'],
  ['context', 'testing'],
];
const SHARED_ROOT_FILES = ['tracing.interfaces.ts', 'tracing.constants.ts', 'tracing.module-definition.ts', 'package-info.ts'];

const SOURCE = resolve(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The layer of a file: its folder's index in LAYERS, -1 for the shared root files, LAYERS.length for the entry points. */
function layerOf(file: string): { layer: number; folder: string } {
  const path = relative(SOURCE, file);
  const folder = path.includes('/') ? path.split('/')[0] : '';
  if (!folder) return SHARED_ROOT_FILES.includes(path) ? { layer: -1, folder: '(shared)' } : { layer: LAYERS.length, folder: '(entry)' };
  const layer = LAYERS.findIndex((names) => names.includes(folder));
  if (layer === -1) throw new Error(`folder ${folder} is not in LAYERS`);
  return { layer, folder };
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => resolve(dirname(file), match[1].replace(/\.js$/, '.ts')));
}

describe('library layout', () => {
  const files = sourceFiles(SOURCE);

  it('has every folder in a layer', () => {
    expect(() => files.forEach(layerOf)).not.toThrow();
  });

  it('imports only from the same folder or a lower one', () => {
    const upward = files.flatMap((file) => {
      const from = layerOf(file);
      return relativeImports(file)
        .filter((target) => {
          const to = layerOf(target);
          return to.folder !== from.folder && to.layer >= from.layer;
        })
        .map((target) => `${relative(SOURCE, file)} -> ${relative(SOURCE, target)}`);
    });
    expect(upward).toEqual([]);
  });

  it('keeps the shared root files free of imports from the folders', () => {
    const shared = files.filter((file) => layerOf(file).layer === -1);
    expect(
      shared
        .flatMap(relativeImports)
        .map((target) => relative(SOURCE, target))
        .filter((target) => target.includes('/')),
    ).toEqual([]);
  });
});
