export interface IdempotencyLimits {
  /** Keys older than this are forgotten: a retry after it delivers again. */
  ttlMs: number;
  /** The stored deliveries' approximate size in bytes; the oldest are forgotten beyond it. */
  maxBytes: number;
}

interface Entry<T> {
  value: Promise<T>;
  bytes: number;
  storedAt: number;
}

/** A Map entry, its key and the bookkeeping of one stored value, in bytes. */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * Remembers the outcome of each idempotency key for `ttlMs`, within `maxBytes`: bounded however
 * many distinct keys clients send. A value is stored while still pending, so a duplicate that
 * arrives during the first attempt waits for it; a failed attempt is forgotten so it can be retried.
 */
export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;

  constructor(
    private readonly limits: IdempotencyLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get storedBytes(): number {
    return this.bytes;
  }

  get(key: string): Promise<T> | undefined {
    this.evictExpired();
    return this.entries.get(key)?.value;
  }

  /** `bytes`: the value's approximate size (strings count two bytes a character). */
  set(key: string, value: Promise<T>, bytes: number): void {
    this.delete(key);
    const entry = { value, bytes: bytes + key.length * 2 + ENTRY_OVERHEAD_BYTES, storedAt: this.now() };
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    value.catch(() => {
      if (this.entries.get(key) === entry) this.delete(key);
    });
    this.evictExpired();
    // Map iteration follows insertion order, so the first entries are the oldest.
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.limits.maxBytes || oldest === key) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private evictExpired(): void {
    const cutoff = this.now() - this.limits.ttlMs;
    for (const [key, entry] of this.entries) {
      if (entry.storedAt > cutoff) break;
      this.delete(key);
    }
  }
}
