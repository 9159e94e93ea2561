import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OutboxMessage, type WelcomeEmailPayload } from './outbox-message.entity.js';

export interface ClaimedMessage {
  id: string;
  type: string;
  payload: WelcomeEmailPayload;
  traceContext: Record<string, string>;
  attempts: number;
}

/**
 * Claiming sets a lease (`locked_until`) in one statement, skipping rows another dispatcher holds,
 * so several instances can run without sending a message twice at once; the email service's
 * idempotency key covers a lease that expires mid-send.
 */
const CLAIM_DUE = `
  WITH claimed AS (
    UPDATE outbox_messages SET locked_until = now() + make_interval(secs => $2)
    WHERE id IN (
      SELECT id FROM outbox_messages
      WHERE delivered_at IS NULL AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
      ORDER BY next_attempt_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, type, payload, trace_context AS "traceContext", attempts
  )
  SELECT * FROM claimed`;

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  claimDue(limit: number, leaseSeconds: number): Promise<ClaimedMessage[]> {
    return this.dataSource.query(CLAIM_DUE, [limit, leaseSeconds]);
  }

  async markDelivered(id: string): Promise<void> {
    await this.dataSource.getRepository(OutboxMessage).update({ id }, { deliveredAt: () => 'now()', lockedUntil: null, lastError: null });
  }

  /** Deletes the messages delivered more than `hours` ago; returns how many. */
  async deleteDeliveredBefore(hours: number): Promise<number> {
    const [, removed] = (await this.dataSource.query(`DELETE FROM outbox_messages WHERE delivered_at < now() - make_interval(hours => $1)`, [hours])) as [
      unknown,
      number,
    ];
    return removed;
  }

  /** Makes every message waiting out a backoff due now; returns how many. */
  async retryWaitingNow(): Promise<number> {
    const [, updated] = (await this.dataSource.query(
      `UPDATE outbox_messages SET next_attempt_at = now() WHERE delivered_at IS NULL AND attempts > 0 AND next_attempt_at > now()`,
    )) as [unknown, number];
    return updated;
  }

  async markFailed(id: string, attempts: number, error: string, retryInMs: number): Promise<void> {
    await this.dataSource
      .getRepository(OutboxMessage)
      .update({ id }, { attempts, lastError: error, lockedUntil: null, nextAttemptAt: new Date(Date.now() + retryInMs) });
  }
}
