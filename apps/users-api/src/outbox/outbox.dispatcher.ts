import { AsyncResource } from 'node:async_hooks';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { TraceService } from 'nestjs-tracing';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';
import { USER_CREATED } from '../users/user-created.event.js';
import { EMAIL_SENDER, type EmailSender } from './email-sender.js';
import { type ClaimedMessage, OutboxRepository } from './outbox.repository.js';

const BATCH_SIZE = 10;
const LEASE_SECONDS = 30;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/** 0.5 s, 1 s, 2 s ... capped at 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
}

/**
 * Sends pending outbox messages: at once when a signup wakes it (`user.created`), otherwise every
 * `OUTBOX_POLL_MS`, retrying failures with exponential backoff. Each dispatch continues the trace
 * of the request that wrote the message, so the email shows up in the signup's trace.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  /** Captured at construction, outside any request; see schedule(). */
  private readonly detached = new AsyncResource(OutboxDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wakeRequested = false;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(EMAIL_SENDER) private readonly emails: EmailSender,
    private readonly traces: TraceService,
    @Inject(USERS_API_CONFIG) private readonly config: UsersApiConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** Dispatch now rather than at the next poll; coalesces with a run already under way. */
  @OnEvent(USER_CREATED)
  wake(): void {
    if (this.running) this.wakeRequested = true;
    else this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Timers start outside any request: scheduled from one (`wake()`), they would otherwise carry
   * that request's trace and log context into every later poll.
   */
  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = this.detached.runInAsyncScope(() => setTimeout(() => this.run(), delayMs));
    this.timer.unref();
  }

  private run(): void {
    this.running = this.dispatchDue()
      .catch((error: Error) => this.logger.warn(`outbox dispatch failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        this.schedule(this.wakeRequested ? 0 : this.config.outboxPollMs);
        this.wakeRequested = false;
      });
  }

  private async dispatchDue(): Promise<void> {
    const messages = await this.outbox.claimDue(BATCH_SIZE, LEASE_SECONDS);
    for (const message of messages) await this.dispatch(message);
  }

  private dispatch(message: ClaimedMessage): Promise<void> {
    const attempt = message.attempts + 1;
    return this.traces.withSpan(
      `outbox.dispatch ${message.type}`,
      { 'messaging.message.id': message.id, 'outbox.attempt': attempt },
      async () => {
        try {
          await this.emails.send(message.payload, message.id);
          await this.outbox.markDelivered(message.id);
          this.logger.log(`sent ${message.type} ${message.id} (attempt ${attempt})`);
        } catch (error) {
          const retryIn = retryDelayMs(attempt);
          this.logger.warn(`${message.type} ${message.id} failed (attempt ${attempt}), retrying in ${retryIn} ms: ${(error as Error).message}`);
          this.traces.recordException(error);
          this.traces.setSpanStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          this.traces.addSpanAttributes({ 'outbox.retry_in_ms': retryIn });
          await this.outbox.markFailed(message.id, attempt, (error as Error).message, retryIn);
        }
      },
      { parent: this.traces.extractContext(message.traceContext), kind: SpanKind.PRODUCER },
    );
  }
}
