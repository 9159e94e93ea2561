import { AsyncResource } from 'node:async_hooks';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { TraceService } from 'nestjs-tracing';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';
import { USER_CREATED } from '../users/user-created.event.js';
import { EMAIL_SENDER, type EmailSender } from './email-sender.js';
import { type ClaimedMessage, OutboxRepository } from './outbox.repository.js';

/** Messages claimed at a time; a full batch means more are due, so the next one is claimed at once. */
const BATCH_SIZE = 50;
/**
 * Sends in flight at once. Each holds no database connection while it waits for the email service,
 * only for its short UPDATE afterwards, so the request path keeps most of the pool.
 */
const CONCURRENCY = 8;
const LEASE_SECONDS = 30;
/** Writing an outcome is tried this many times, 250 ms more apart each time up to 1 s (about 10 s in all, a restart's length). */
const PERSIST_ATTEMPTS = 13;
const PERSIST_RETRY_MS = 250;
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
  /** A send failed since the last one that succeeded: the email service may be away. */
  private failing = false;
  private lastRetryAll = 0;

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
    let more = false;
    this.running = this.dispatchDue()
      .then((full) => {
        more = full;
      })
      .catch((error: Error) => this.logger.warn(`outbox dispatch failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        this.schedule(this.wakeRequested || more ? 0 : this.config.outboxPollMs);
        this.wakeRequested = false;
      });
  }

  /** Sends one batch, `CONCURRENCY` at a time; true when the batch was full. */
  private async dispatchDue(): Promise<boolean> {
    const messages = await this.outbox.claimDue(BATCH_SIZE, LEASE_SECONDS);
    let next = 0;
    const worker = async () => {
      while (next < messages.length) await this.dispatch(messages[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, messages.length) }, worker));
    return messages.length === BATCH_SIZE;
  }

  private dispatch(message: ClaimedMessage): Promise<void> {
    const attempt = message.attempts + 1;
    return this.traces.withSpan(
      `outbox.dispatch ${message.type}`,
      { 'messaging.message.id': message.id, 'outbox.attempt': attempt },
      async () => {
        try {
          await this.emails.send(message.payload, message.id);
        } catch (error) {
          const retryIn = retryDelayMs(attempt);
          this.logger.warn(`${message.type} ${message.id} failed (attempt ${attempt}), retrying in ${retryIn} ms: ${(error as Error).message}`);
          this.traces.recordException(error);
          this.traces.setSpanStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          this.traces.addSpanAttributes({ 'outbox.retry_in_ms': retryIn });
          this.failing = true;
          await persistently(() => this.outbox.markFailed(message.id, attempt, (error as Error).message, retryIn));
          return;
        }
        await persistently(() => this.outbox.markDelivered(message.id));
        if (this.failing) await this.serviceIsBack();
        this.logger.log(`sent ${message.type} ${message.id} (attempt ${attempt})`);
      },
      { parent: this.traces.extractContext(message.traceContext), kind: SpanKind.PRODUCER },
    );
  }

  /**
   * The backoff spares an email service that is away; once a send succeeds again, the messages
   * still waiting out their backoff are sent at once rather than up to 30 s later.
   */
  private async serviceIsBack(): Promise<void> {
    // At most once a second: while a service restarts, successes and failures can alternate.
    if (Date.now() - this.lastRetryAll < 1_000) return;
    this.lastRetryAll = Date.now();
    this.failing = false;
    const due = await this.outbox.retryWaitingNow().catch(() => 0);
    if (due > 0) this.wakeRequested = true;
  }
}

/**
 * Writes a dispatch's outcome, retried for a few seconds while the database is briefly away (a
 * restart): a message whose outcome is not written stays leased, and is sent again only when its
 * lease ends, `LEASE_SECONDS` later.
 */
async function persistently(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt === PERSIST_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(PERSIST_RETRY_MS * attempt, 1_000)));
    }
  }
}
