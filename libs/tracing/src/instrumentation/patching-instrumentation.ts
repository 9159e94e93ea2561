import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info.js';

export type Method = (this: never, ...args: never[]) => unknown;

/** A method to wrap: the object holding it (a class's prototype), its name, and its wrapper. */
export type Patch = [target: Record<string, Method>, name: string, wrapper: (original: Method) => Method];

/**
 * An instrumentation of a package it is given (the app's own copy, already loaded) rather than one
 * found through the module hooks: it wraps the methods `patches()` lists when enabled, and restores
 * them when disabled. One list serves both, so nothing wrapped is left behind.
 */
export abstract class PatchingInstrumentation extends InstrumentationBase {
  constructor(name: string) {
    // Enabled by registerInstrumentations, once the tracer provider is set.
    super(`${PACKAGE_NAME}/${name}`, PACKAGE_VERSION, { enabled: false });
  }

  protected init(): [] {
    return [];
  }

  protected abstract patches(): Patch[];

  override enable(): void {
    if (this.isEnabled()) return;
    super.enable();
    for (const [target, name, wrapper] of this.patches()) this._wrap(target, name, wrapper);
  }

  override disable(): void {
    if (!this.isEnabled()) return;
    super.disable();
    for (const [target, name] of this.patches()) this._unwrap(target, name);
  }
}
