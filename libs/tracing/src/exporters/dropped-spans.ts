type Warn = (message: string) => void;

/**
 * Counts spans that never reached the backend. A down backend drops spans on every export, so the
 * warning is rate-limited: one line a minute with what was dropped since the last one.
 */
export class DroppedSpans {
  private total = 0;
  private sinceWarning = 0;
  private lastWarningAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly warn: Warn,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 60_000,
  ) {}

  get count(): number {
    return this.total;
  }

  add(spans: number, reason: string): void {
    this.total += spans;
    this.sinceWarning += spans;
    const now = this.now();
    if (now - this.lastWarningAt < this.intervalMs) return;
    this.warn(`Dropped ${this.sinceWarning} span(s): ${reason}. ${this.total} dropped since start.`);
    this.lastWarningAt = now;
    this.sinceWarning = 0;
  }
}
