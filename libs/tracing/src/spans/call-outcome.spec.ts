import { NEVER, of, throwError } from 'rxjs';
import { callObservingOutcome } from './call-outcome.js';

describe('callObservingOutcome', () => {
  const outcomes: boolean[] = [];
  const done = (failed: boolean) => outcomes.push(failed);
  beforeEach(() => (outcomes.length = 0));

  it('reports a return and a throw at once', () => {
    expect(callObservingOutcome(() => 1, done)).toBe(1);
    expect(() =>
      callObservingOutcome(() => {
        throw new Error('no');
      }, done),
    ).toThrow('no');
    expect(outcomes).toEqual([false, true]);
  });

  it('reports a thenable when it settles', async () => {
    const resolved = callObservingOutcome(() => Promise.resolve('yes'), done);
    const rejected = callObservingOutcome(() => Promise.reject(new Error('no')), done);
    expect(outcomes).toEqual([]);
    await expect(resolved).resolves.toBe('yes');
    await expect(rejected).rejects.toThrow('no');
    expect(outcomes).toEqual([false, true]);
  });

  it('reports an Observable once, when it completes, errors or is unsubscribed', () => {
    callObservingOutcome(() => of(1), done).subscribe();
    callObservingOutcome(() => throwError(() => new Error('no')), done).subscribe({ error: () => undefined });
    callObservingOutcome(() => NEVER, done)
      .subscribe()
      .unsubscribe();
    expect(outcomes).toEqual([false, true, false]);
  });
});
