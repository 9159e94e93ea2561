import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Run in a plain Node process: Jest replaces `require` with its own, so the real
 * `Module.prototype.require` is only observable outside it.
 */
function requiresSeenByHook(specifiers: string[], requires: string[]): string[] | 'untouched' {
  // The source itself: Node.js strips its types, so the test needs no build.
  const filter = resolve('libs/tracing/src/sdk-replacements/require-filter.ts');
  const script = `
    import Module, { createRequire } from 'node:module';
    import { narrowRequireHook } from ${JSON.stringify(filter)};
    const unhooked = Module.prototype.require;
    const seen = [];
    if (${specifiers.length > 0}) Module.prototype.require = function (id) { seen.push(id); return unhooked.call(this, id); };
    narrowRequireHook(unhooked, ${JSON.stringify(specifiers)});
    const require = createRequire(${JSON.stringify(resolve('package.json'))});
    for (const id of ${JSON.stringify(requires)}) require(id);
    console.log(JSON.stringify(Module.prototype.require === unhooked ? 'untouched' : seen));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('narrowRequireHook', () => {
  it('sends only requires of instrumented packages, their files and instrumented core modules through the hook', () => {
    const seen = requiresSeenByHook(['http', 'pg'], ['pg', 'node:http', 'node:fs', 'ioredis', 'express']);
    expect(seen).toEqual(expect.arrayContaining(['pg', './client', 'node:http']));
    expect(seen).not.toContain('node:fs');
    expect(seen).not.toContain('ioredis');
    expect(seen).not.toContain('express');
    // pg's own dependencies are other packages: not instrumented, not hooked.
    expect(seen).not.toContain('pg-types');
  });

  it('leaves require alone when no hook was installed', () => {
    expect(requiresSeenByHook([], ['pg'])).toBe('untouched');
  });
});
