import { context, SpanKind } from '@opentelemetry/api';
import { getTracingRuntime } from '../runtime/tracing-runtime.js';
import type { SpanDecoratorOptions } from '../tracing.interfaces.js';
import { runInNewSpan } from './span-lifecycle.js';
import { copyMetadata } from './copy-metadata.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

const WRAPPED = Symbol('span.wrapped');

/**
 * Traces a method (sync, async or Observable-returning) in a span named `Class.method` unless
 * named. On a class, traces every method of its prototype; methods with their own `@Span` keep it.
 */
export function Span(name?: string, options: SpanDecoratorOptions = {}): MethodDecorator & ClassDecorator {
  return ((target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (propertyKey === undefined) {
      spanEveryMethod(target as abstract new (...args: never[]) => unknown, name, options);
      return;
    }
    const owner = typeof target === 'function' ? target.name : target.constructor.name;
    descriptor!.value = wrapMethod(descriptor!.value as Method, name ?? `${owner}.${String(propertyKey)}`, options);
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
