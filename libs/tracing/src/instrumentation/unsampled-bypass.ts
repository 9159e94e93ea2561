import { context, type Tracer } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { skipsSpansUnder } from '../sdk-replacements/instrumentation-tracer-provider.js';

type Patched = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Under an unsampled parent, the calls an instrumentation patches run as if it were not there
 * (when the instrumentation's tracer is the library's, which knows the sampler follows the parent).
 * Only for a client whose instrumentation makes a span and nothing else: no context to inject
 * (that must reach the server whether sampled or not), no metrics of its own (those count every
 * call). Such an instrumentation still builds the span's attributes under an unsampled parent,
 * ioredis serialising every command, for a span that records nothing.
 *
 * `method` is the instrumentation's own function that takes the original and returns its traced
 * replacement. When an upgrade renames it, the instrumentation is left as it is: slower when
 * unsampled, never wrong (its spec checks the installed version has it).
 */
export function bypassWhenUnsampled<T extends Instrumentation>(instrumentation: T, method: string): T {
  const target = instrumentation as unknown as Record<string, unknown>;
  const trace = target[method];
  if (typeof trace !== 'function') return instrumentation;
  const tracerOf = instrumentation as unknown as { tracer?: Tracer };
  target[method] = function (this: unknown, original: Patched, ...rest: unknown[]): Patched {
    const traced = (trace as (original: Patched, ...rest: unknown[]) => Patched).call(this, original, ...rest);
    return function (this: unknown, ...args: unknown[]): unknown {
      return skipsSpansUnder(tracerOf.tracer, context.active()) ? original.apply(this, args) : traced.apply(this, args);
    };
  };
  return instrumentation;
}
