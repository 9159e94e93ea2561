import { type Context, context, type Span, type SpanOptions, trace } from '@opentelemetry/api';
import { isUnsampled, libraryTracer } from '../runtime/library-tracer.js';
import { runInSpan } from '../spans/run-in-span.js';

/**
 * Runs `fn` in a new child span of `parent`, or, under an unsampled parent, in the parent's context
 * with no new span: its children would record nothing, and skipping them makes an unsampled
 * request cost next to nothing. The trace id still reaches logs and outgoing calls.
 */
export function runInNewSpan<T>(name: string, options: SpanOptions, parent: Context, fn: (span: Span) => T): T {
  if (isUnsampled(parent)) {
    const span = trace.getSpan(parent)!;
    return parent === context.active() ? fn(span) : context.with(parent, fn, undefined, span);
  }
  const span = libraryTracer().startSpan(name, options, parent);
  return runInSpan(span, parent, () => fn(span));
}
