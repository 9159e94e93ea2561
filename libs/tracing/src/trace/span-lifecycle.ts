import { type Context, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { isObservable, Observable } from 'rxjs';

export type ErrorRecorder = (span: Span, error: unknown) => void;

/** The default for user code: any escaping error is the span's error. */
export function recordSpanError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Runs `fn` with `span` active and ends the span exactly once: when `fn` returns, when the thenable
 * it returns settles, or when the Observable it returns completes, errors or is unsubscribed.
 * Errors are recorded and rethrown as the same object.
 */
export function runInSpan<T>(span: Span, parent: Context, fn: () => T, onError: ErrorRecorder = recordSpanError): T {
  const active = trace.setSpan(parent, span);
  let result: T;
  try {
    result = context.with(active, fn);
  } catch (error) {
    onError(span, error);
    span.end();
    throw error;
  }
  if (isObservable(result)) return endWithObservable(result, span, active, onError) as T;
  if (isThenable(result)) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        onError(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

function endWithObservable<V>(source: Observable<V>, span: Span, active: Context, onError: ErrorRecorder): Observable<V> {
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
          if (!ended) onError(span, error);
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
