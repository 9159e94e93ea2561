import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SpanStatusCode } from '@opentelemetry/api';
import { TraceService } from 'nestjs-tracing';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';
import { OutboxRepository } from './outbox.repository.js';

export const OUTBOX_CLEANUP_JOB = 'outbox-cleanup';

/**
 * Deletes delivered outbox messages past their retention, every `OUTBOX_CLEANUP_MS`. The job is
 * added to the scheduler's registry, as its period comes from the configuration; each run is a
 * trace of its own, with its DELETE beneath.
 */
@Injectable()
export class OutboxCleanup implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxCleanup.name);

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly outbox: OutboxRepository,
    private readonly traces: TraceService,
    @Inject(USERS_API_CONFIG) private readonly config: UsersApiConfig,
  ) {}

  onApplicationBootstrap(): void {
    // The scheduler clears the interval when the app shuts down.
    this.registry.addInterval(OUTBOX_CLEANUP_JOB, setInterval(() => this.sweep(), this.config.outboxCleanupMs).unref());
  }

  /** Never rejects: a failed run is logged and marked on its span, and the next one tries again. */
  async sweep(): Promise<void> {
    try {
      const removed = await this.outbox.deleteDeliveredBefore(this.config.outboxRetentionHours);
      this.traces.addSpanAttributes({ 'outbox.removed': removed });
      if (removed > 0) this.logger.log(`removed ${removed} delivered outbox messages`);
    } catch (error) {
      this.logger.warn(`outbox cleanup failed: ${(error as Error).message}`);
      this.traces.recordException(error);
      this.traces.setSpanStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    }
  }
}
