import Module, { isBuiltin } from 'node:module';

export type Require = (this: Module, id: string) => unknown;

const NODE_MODULES = '/node_modules/';

/** `@scope/name` or `name` from a bare specifier such as `pg/lib/client`. */
export function packageOfSpecifier(id: string): string {
  const parts = id.split('/', 2);
  return id.startsWith('@') ? parts.join('/') : parts[0];
}

/** The package a file belongs to, from its last `node_modules` segment. */
function packageOfFile(filename: string | undefined): string | undefined {
  const path = filename?.replaceAll('\\', '/');
  const at = path?.lastIndexOf(NODE_MODULES) ?? -1;
  if (at < 0) return undefined;
  return packageOfSpecifier(path!.slice(at + NODE_MODULES.length));
}

/**
 * The instrumentations' `require` hook (require-in-the-middle, one for all of them) resolves every
 * `require` of the process again to learn which package it belongs to, which makes a large app's
 * startup noticeably slower. Once the instrumentations exist, this sends only the requires that can
 * concern them through the hook: an instrumented package by name (`specifiers`), a file inside one
 * (pg patches `pg/lib/client.js`), or an instrumented core module. Everything else goes straight to
 * the `require` captured before the hook was installed.
 */
export function narrowRequireHook(unhooked: Require, specifiers: readonly string[]): void {
  const hooked = Module.prototype.require as Require;
  if (hooked === unhooked) return;
  const packages = new Set(specifiers.map((id) => id.replace(/^node:/, '')));
  const concernsHook = (id: string, parent: Module): boolean => {
    if (isBuiltin(id)) return packages.has(id.replace(/^node:/, ''));
    if (id.startsWith('.') || id.startsWith('/')) {
      const target = packageOfFile(id.startsWith('/') ? id : parent.filename);
      return target !== undefined && packages.has(target);
    }
    return packages.has(packageOfSpecifier(id));
  };
  Module.prototype.require = function (this: Module, id: string) {
    return (concernsHook(id, this) ? hooked : unhooked).call(this, id);
  } as NodeJS.Require;
}
