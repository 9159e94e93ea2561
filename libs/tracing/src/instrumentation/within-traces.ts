import { type Context, context, INVALID_SPAN_CONTEXT, type Span, type SpanOptions, trace, type Tracer } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/**
 * A tracer whose spans exist only inside a trace: outside one (a pool's housekeeping, an ORM's
 * startup queries) it hands out a non-recording span, which the instrumentation uses as usual.
 */
export function withinTracesTracer(tracer: Tracer): Tracer {
  return {
    startSpan(name: string, options?: SpanOptions, parent?: Context): Span {
      if (!trace.getSpan(parent ?? context.active())) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
      return tracer.startSpan(name, options, parent);
    },
    startActiveSpan: tracer.startActiveSpan.bind(tracer) as Tracer['startActiveSpan'],
  };
}

/**
 * Gives an instrumentation that lacks `requireParentSpan` that behaviour, by shadowing the `tracer`
 * getter it reads on every call. The wrapper follows a tracer provider set later.
 */
export function withinTracesOnly<T extends Instrumentation>(instrumentation: T): T {
  let prototype: object | null = Object.getPrototypeOf(instrumentation);
  let getter: (() => Tracer) | undefined;
  while (prototype && !getter) {
    getter = Object.getOwnPropertyDescriptor(prototype, 'tracer')?.get as (() => Tracer) | undefined;
    prototype = Object.getPrototypeOf(prototype);
  }
  if (!getter) return instrumentation;
  const read = getter;
  let wrapped: { tracer: Tracer; withinTraces: Tracer } | undefined;
  Object.defineProperty(instrumentation, 'tracer', {
    configurable: true,
    get(this: T): Tracer {
      const tracer = read.call(this);
      if (wrapped?.tracer !== tracer) wrapped = { tracer, withinTraces: withinTracesTracer(tracer) };
      return wrapped.withinTraces;
    },
  });
  return instrumentation;
}
