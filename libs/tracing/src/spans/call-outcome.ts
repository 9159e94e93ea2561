import { isObservable, Observable } from 'rxjs';

/**
 * Calls `fn` and tells `done`, once, whether it failed: when it returns or throws, when the
 * thenable it returns settles, or when the Observable it returns completes, errors or is
 * unsubscribed (an unsubscribed one counts as done, not failed). What `fn` returns is passed on.
 */
export function callObservingOutcome<T>(fn: () => T, done: (failed: boolean) => void): T {
  let reported = false;
  const report = (failed: boolean) => {
    if (reported) return;
    reported = true;
    done(failed);
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    report(true);
    throw error;
  }
  if (isObservable(result)) return observed(result, report) as T;
  if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
    return (result as PromiseLike<unknown>).then(
      (value) => {
        report(false);
        return value;
      },
      (error: unknown) => {
        report(true);
        throw error;
      },
    ) as T;
  }
  report(false);
  return result;
}

function observed<V>(source: Observable<V>, report: (failed: boolean) => void): Observable<V> {
  return new Observable<V>((subscriber) => {
    const subscription = source.subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => {
        report(true);
        subscriber.error(error);
      },
      complete: () => {
        report(false);
        subscriber.complete();
      },
    });
    return () => {
      report(false);
      subscription.unsubscribe();
    };
  });
}
