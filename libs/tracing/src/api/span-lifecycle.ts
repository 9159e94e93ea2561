import { type Context, context, type Span, type SpanOptions, trace } from '@opentelemetry/api';
import { isObservable, Observable, tap } from 'rxjs';
import { isUnsampled, libraryTracer } from '../runtime/library-tracer.js';
import { recordError } from './record-error.js';

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

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Runs `fn` with `span` active and ends the span exactly once: when `fn` returns, when the thenable
 * it returns settles, or when the Observable it returns completes, errors or is unsubscribed.
 * Errors are recorded and rethrown as the same object.
 */
export function runInSpan<T>(span: Span, parent: Context, fn: () => T): T {
  const active = trace.setSpan(parent, span);
  let result: T;
  try {
    result = context.with(active, fn);
  } catch (error) {
    recordError(span, error);
    span.end();
    throw error;
  }
  if (isObservable(result)) return endWithObservable(result, span, active) as T;
  if (isThenable(result)) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        recordError(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

function endWithObservable<V>(source: Observable<V>, span: Span, active: Context): Observable<V> {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    span.end();
  };
  return new Observable<V>((subscriber) => {
    const subscription = context.with(active, () =>
      source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          if (!ended) recordError(span, error);
          end();
          subscriber.error(error);
        },
        complete: () => {
          end();
          subscriber.complete();
        },
      }),
    );
    return () => {
      end();
      subscription.unsubscribe();
    };
  });
}

/** Records the error `source` fails with on `span`, which its owner ends (a request's SERVER span). */
export function recordObservableError<V>(source: Observable<V>, span: Span): Observable<V> {
  return source.pipe(tap({ error: (error: unknown) => recordError(span, error) }));
}
