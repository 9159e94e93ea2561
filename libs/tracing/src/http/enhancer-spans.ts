import type { OnApplicationShutdown } from '@nestjs/common';
import { context, SpanKind } from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { BaseExceptionFilterContext } from '@nestjs/core/exceptions/base-exception-filter-context.js';
import { GuardsContextCreator } from '@nestjs/core/guards/guards-context-creator.js';
import { InterceptorsContextCreator } from '@nestjs/core/interceptors/interceptors-context-creator.js';
import { PipesContextCreator } from '@nestjs/core/pipes/pipes-context-creator.js';
import { runInNewSpan } from '../api/span-lifecycle.js';
import { TracingInterceptor } from './tracing.interceptor.js';

/** `guard`, `pipe`, `interceptor` or `filter`. */
export const ATTR_NESTJS_ENHANCER = 'nestjs.enhancer';

type Enhancer = 'guard' | 'pipe' | 'interceptor' | 'filter';
type Instance = Record<string, (...args: unknown[]) => unknown>;
type Getter = (this: unknown, ...args: unknown[]) => Instance | null | undefined;

/** Where Nest gets the instance of each enhancer it binds to a handler, and the method it calls. */
const GETTERS: [prototype: object, getter: string, enhancer: Enhancer, method: string][] = [
  [GuardsContextCreator.prototype, 'getGuardInstance', 'guard', 'canActivate'],
  [PipesContextCreator.prototype, 'getPipeInstance', 'pipe', 'transform'],
  [InterceptorsContextCreator.prototype, 'getInterceptorInstance', 'interceptor', 'intercept'],
  [BaseExceptionFilterContext.prototype, 'getFilterInstance', 'filter', 'catch'],
];

/**
 * A span for each guard, pipe, interceptor and exception filter, on the request where it runs and
 * only there: Nest binds each to the handlers it applies to when it resolves the routes, and is
 * given, there, an object that calls the enhancer in a span (`guard AuthGuard`). A guard shared by
 * every controller makes a span only for the handler that was called. Constructed before Nest
 * resolves its routes (the module's providers are), and undone when the app shuts down.
 */
export class EnhancerSpans implements OnApplicationShutdown {
  private readonly originals: [object, string, Getter][] = [];
  private readonly traced = new WeakMap<object, Instance>();

  constructor() {
    for (const [prototype, getter, enhancer, method] of GETTERS) {
      const target = prototype as Record<string, Getter>;
      const original = target[getter];
      this.originals.push([prototype, getter, original]);
      const traced = (instance: Instance) => this.tracedInstance(instance, enhancer, method);
      target[getter] = function (this: unknown, ...args: unknown[]) {
        const instance = original.apply(this, args);
        return instance && typeof instance[method] === 'function' ? traced(instance) : instance;
      };
    }
  }

  onApplicationShutdown(): void {
    for (const [prototype, getter, original] of this.originals.splice(0)) (prototype as Record<string, Getter>)[getter] = original;
  }

  /** The library's own interceptor is left as it is: it makes the request's spans. */
  private tracedInstance(instance: Instance, enhancer: Enhancer, method: string): Instance {
    if (instance instanceof TracingInterceptor) return instance;
    const known = this.traced.get(instance);
    if (known) return known;
    const type = instance.constructor?.name ?? 'Object';
    const name = `${enhancer} ${type}`;
    const attributes = { [ATTR_NESTJS_ENHANCER]: enhancer, [ATTR_CODE_FUNCTION_NAME]: `${type}.${method}` };
    // Nest reads the enhancer's class (a filter's `@Catch` types) through the object: it inherits them.
    const traced = Object.create(instance, {
      [method]: {
        value: (...args: unknown[]) => runInNewSpan(name, { kind: SpanKind.INTERNAL, attributes }, context.active(), () => instance[method](...args)),
      },
    }) as Instance;
    this.traced.set(instance, traced);
    return traced;
  }
}
