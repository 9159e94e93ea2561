import { type Context, context, type Span, trace } from '@opentelemetry/api';
import { isObservable, Observable, tap } from 'rxjs';
import { recordError, recordFailureOnce } from './record-error.js';

/** How a failure is written on the span: the HTTP rule by default (a 4xx `HttpException` is no error). */
export type RecordFailure = (span: Span, error: unknown) => void;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Runs `fn` with `span` active and ends the span exactly once: when `fn` returns, when the thenable
 * it returns settles, or when the Observable it returns (or its thenable resolves to, as Nest's
 * message handlers do) completes, errors or is unsubscribed. Errors are recorded and rethrown as
 * the same object.
 */
export function runInSpan<T>(span: Span, parent: Context, fn: () => T, record: RecordFailure = recordError): T {
  const active = trace.setSpan(parent, span);
  return runInContext(span, active, fn, record);
}

/** {@link runInSpan} with the span's context given whole, for spans that carry more in it. */
export function runInContext<T>(span: Span, active: Context, fn: () => T, record: RecordFailure = recordError): T {
  let result: T;
  try {
    result = context.with(active, fn);
  } catch (error) {
    record(span, error);
    span.end();
    throw error;
  }
  if (isObservable(result)) return endWithObservable(result, span, active, record) as T;
  if (isThenable(result)) {
    return result.then(
      (value) => {
        if (isObservable(value)) return endWithObservable(value, span, active, record);
        span.end();
        return value;
      },
      (error: unknown) => {
        record(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

/**
 * Runs `fn` in `active` and keeps the Observable it returns (or its thenable resolves to) in
 * `active` too: Nest subscribes to a handler's result after the handler returned, and what the
 * subscription runs (interceptors, the handler's own Observable) must still see that context.
 */
export function runInContextUntilSubscribed<T>(active: Context, fn: () => T): T {
  const result = context.with(active, fn);
  const subscribedIn = <V>(source: Observable<V>) => new Observable<V>((subscriber) => context.with(active, () => source.subscribe(subscriber)));
  if (isObservable(result)) return subscribedIn(result) as T;
  if (isThenable(result)) return result.then((value) => (isObservable(value) ? subscribedIn(value) : value)) as T;
  return result;
}

/** Subscribes `source` in `active`, so what it does on subscription is inside the span, and ends the span with it. */
function endWithObservable<V>(source: Observable<V>, span: Span, active: Context, record: RecordFailure): Observable<V> {
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
          if (!ended) record(span, error);
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

/**
 * Calls `fn`, and records on `span` (once) what it throws or its thenable rejects with, then fails
 * as before: for a method whose caller swallows its failure (Nest's wrappers of jobs and listeners).
 */
export function callRecordingFailure<T>(span: Span, fn: () => T): T {
  const fail = (error: unknown): never => {
    recordFailureOnce(span, error);
    throw error;
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    return fail(error);
  }
  return isThenable(result) ? (result.then(undefined, fail) as T) : result;
}

/** Records the error `source` fails with on `span`, which its owner ends (a request's SERVER span). */
export function recordObservableError<V>(source: Observable<V>, span: Span): Observable<V> {
  return source.pipe(tap({ error: (error: unknown) => recordError(span, error) }));
}
