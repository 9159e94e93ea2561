import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Span, TraceService } from 'nestjs-tracing';
import { EMAIL_SERVICE_CONFIG, type EmailServiceConfig } from '../email-service.config.js';
import { IdempotencyStore } from './idempotency-store.js';
import type { SendEmailDto } from './send-email.dto.js';

export interface DeliveredEmail {
  id: string;
  to: string;
  subject: string;
  body: string;
  idempotencyKey?: string;
  deliveredAt: string;
}

export interface Delivery {
  email: DeliveredEmail;
  /** True when the idempotency key was seen before: nothing new was delivered. */
  duplicate: boolean;
}

/** Keeps the mailbox bounded; it stands in for an SMTP provider, not for storage. */
const MAILBOX_LIMIT = 1_000;

/** Strings count two bytes a character; the rest of a delivery is small and fixed. */
const sizeOf = ({ to, subject, body }: SendEmailDto) => (to.length + subject.length + body.length) * 2 + 200;

/**
 * "Delivers" into memory. A retried dispatch carries the same idempotency key and gets the first
 * delivery back, so an email is delivered once however often the caller retries, within the
 * idempotency window (`IDEMPOTENCY_TTL_SECONDS`, `IDEMPOTENCY_MEMORY_MB`).
 */
@Injectable()
export class MailboxService {
  private readonly logger = new Logger(MailboxService.name);
  private readonly delivered: DeliveredEmail[] = [];
  private readonly byKey: IdempotencyStore<DeliveredEmail>;

  constructor(
    @Inject(EMAIL_SERVICE_CONFIG) private readonly config: EmailServiceConfig,
    private readonly traces: TraceService,
  ) {
    this.byKey = new IdempotencyStore({ ttlMs: config.idempotencyTtlMs, maxBytes: config.idempotencyMaxBytes });
  }

  async deliver(message: SendEmailDto, idempotencyKey?: string): Promise<Delivery> {
    const previous = idempotencyKey ? this.byKey.get(idempotencyKey) : undefined;
    if (previous) {
      this.traces.addSpanEvent('email.duplicate', { 'email.idempotency_key': idempotencyKey });
      const email = await previous;
      this.logger.log(`email ${email.id} was delivered before under the same idempotency key`);
      return { email, duplicate: true };
    }
    const delivery = this.send(message, idempotencyKey);
    if (idempotencyKey) this.byKey.set(idempotencyKey, delivery, sizeOf(message));
    const email = await delivery;
    this.logger.log(idempotencyKey ? `delivered email ${email.id} for key ${idempotencyKey}` : `delivered email ${email.id}`);
    return { email, duplicate: false };
  }

  list(): DeliveredEmail[] {
    return [...this.delivered];
  }

  @Span()
  private async send(message: SendEmailDto, idempotencyKey?: string): Promise<DeliveredEmail> {
    if (this.config.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.config.latencyMs));
    if (Math.random() < this.config.failureRate) {
      throw new ServiceUnavailableException('simulated provider failure (EMAIL_FAILURE_RATE)');
    }
    const email: DeliveredEmail = { id: randomUUID(), ...message, idempotencyKey, deliveredAt: new Date().toISOString() };
    this.delivered.push(email);
    if (this.delivered.length > MAILBOX_LIMIT) this.delivered.shift();
    this.traces.addSpanEvent('email.delivered', { 'email.id': email.id });
    return email;
  }
}
