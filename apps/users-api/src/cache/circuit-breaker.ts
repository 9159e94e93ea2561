import { Logger } from '@nestjs/common';

export interface CircuitBreakerOptions {
  name: string;
  /** How often a probe is tried while the circuit is open. */
  retryMs: number;
  /** Succeeds when the dependency answers again. */
  probe: () => Promise<unknown>;
  /** Runs after a successful probe, before the circuit closes; a failure keeps it open. */
  beforeClose?: () => Promise<unknown>;
}

/**
 * Skips a dependency after it fails, instead of letting every request wait for its timeout. The
 * first failure opens the circuit; a background probe then runs every `retryMs` and closes it
 * when the dependency answers. Requests never probe: while open they pay nothing.
 */
export class CircuitBreaker {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.logger = new Logger(options.name);
  }

  get isOpen(): boolean {
    return this.timer !== undefined;
  }

  /** Opens the circuit (once) after a failure; later failures while open change nothing. */
  trip(error: unknown): void {
    if (this.timer || this.stopped) return;
    this.logger.warn(`${this.options.name} unavailable, skipping it for now: ${(error as Error).message}`);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tryClose(), this.options.retryMs);
    this.timer.unref();
  }

  private async tryClose(): Promise<void> {
    try {
      await this.options.probe();
      await this.options.beforeClose?.();
    } catch {
      if (!this.stopped) this.schedule();
      return;
    }
    this.timer = undefined;
    this.logger.log(`${this.options.name} is back`);
  }
}
