import { IdempotencyStore } from './idempotency-store.js';

describe('IdempotencyStore', () => {
  it('keeps a key for ttlMs and forgets it after', async () => {
    let now = 0;
    const store = new IdempotencyStore<string>({ ttlMs: 1_000, maxBytes: 1_000_000 }, () => now);
    store.set('a', Promise.resolve('first'), 10);
    now = 999;
    await expect(store.get('a')).resolves.toBe('first');
    now = 1_000;
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.storedBytes).toBe(0);
  });

  it('stays within maxBytes however many distinct keys arrive, forgetting the oldest', () => {
    const store = new IdempotencyStore<string>({ ttlMs: 60_000, maxBytes: 100_000 });
    for (let index = 0; index < 50_000; index++) store.set(`key-${index}`, Promise.resolve('x'), 4_000);
    expect(store.storedBytes).toBeLessThanOrEqual(100_000);
    expect(store.size).toBe(Math.floor(100_000 / (4_000 + 'key-49999'.length * 2 + 200)));
    expect(store.get('key-0')).toBeUndefined();
    expect(store.get('key-49999')).toBeDefined();
  });

  it('keeps the newest entry even when it alone is over the budget', () => {
    const store = new IdempotencyStore<string>({ ttlMs: 60_000, maxBytes: 100 });
    store.set('big', Promise.resolve('x'), 1_000);
    expect(store.get('big')).toBeDefined();
  });

  it('forgets a failed attempt so that the retry delivers, but not a newer value under the same key', async () => {
    const store = new IdempotencyStore<string>({ ttlMs: 60_000, maxBytes: 1_000_000 });
    let fail!: (error: Error) => void;
    const failing = new Promise<string>((_resolve, reject) => (fail = reject));
    store.set('k', failing, 10);
    fail(new Error('provider down'));
    await failing.catch(() => undefined);
    expect(store.get('k')).toBeUndefined();

    let failLater!: (error: Error) => void;
    const stale = new Promise<string>((_resolve, reject) => (failLater = reject));
    store.set('j', stale, 10);
    store.set('j', Promise.resolve('retried'), 10);
    failLater(new Error('late failure'));
    await stale.catch(() => undefined);
    await expect(store.get('j')).resolves.toBe('retried');
  });
});
