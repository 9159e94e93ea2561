import { context, SpanKind } from '@opentelemetry/api';
import { getTracingRuntime } from '../runtime/tracing-runtime.js';
import type { ClassSpanOptions, SpanDecoratorOptions } from '../tracing.interfaces.js';
import { runInNewSpan } from './span-lifecycle.js';
import { copyMetadata } from './copy-metadata.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

const WRAPPED = Symbol('span.wrapped');

/**
 * Traces a method (sync, async or Observable-returning) in a span named `name`, by default
 * `Class.method`. On a class, traces every method of its prototype in spans named `Class.method`
 * (`prefix.method` with `{ prefix }`); methods with their own `@Span` keep it. A string names one
 * span, so it is refused on a class.
 */
export function Span(): MethodDecorator & ClassDecorator;
export function Span(name: string | undefined, options?: SpanDecoratorOptions): MethodDecorator;
export function Span(options: ClassSpanOptions): ClassDecorator;
export function Span(nameOrOptions?: string | ClassSpanOptions, methodOptions: SpanDecoratorOptions = {}): MethodDecorator & ClassDecorator {
  const name = typeof nameOrOptions === 'string' ? nameOrOptions : undefined;
  const classOptions = typeof nameOrOptions === 'object' ? nameOrOptions : undefined;
  return ((target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (propertyKey === undefined) {
      if (name !== undefined) throw new TypeError(`@Span('${name}') names one span; on a class use @Span({ prefix: '${name}' })`);
      const { prefix, ...options } = classOptions ?? {};
      spanEveryMethod(target as abstract new (...args: never[]) => unknown, prefix, options);
      return;
    }
    if (classOptions) throw new TypeError('@Span({ ... }) is for a class; on a method use @Span(name, options)');
    const owner = typeof target === 'function' ? target.name : target.constructor.name;
    descriptor!.value = wrapMethod(descriptor!.value as Method, name ?? `${owner}.${String(propertyKey)}`, methodOptions);
    return descriptor;
  }) as MethodDecorator & ClassDecorator;
}

function spanEveryMethod(target: abstract new (...args: never[]) => unknown, prefix: string | undefined, options: SpanDecoratorOptions): void {
  const prototype = target.prototype as object;
  for (const key of Reflect.ownKeys(prototype)) {
    if (key === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    if (typeof descriptor.value !== 'function' || (descriptor.value as { [WRAPPED]?: true })[WRAPPED]) continue;
    descriptor.value = wrapMethod(descriptor.value as Method, `${prefix ?? target.name}.${String(key)}`, options);
    Object.defineProperty(prototype, key, descriptor);
  }
}

function wrapMethod(original: Method, spanName: string, options: SpanDecoratorOptions): Method {
  const spanOptions = { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes };
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    if (getTracingRuntime()?.enabled === false) return original.apply(this, args);
    return runInNewSpan(spanName, spanOptions, context.active(), () => original.apply(this, args));
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  copyMetadata(original, wrapped);
  return wrapped;
}
