import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface WelcomeEmailPayload {
  to: string;
  subject: string;
  body: string;
}

/**
 * A message written in the same transaction as the change that caused it, and sent later by the
 * dispatcher: nothing is lost when the email service is down. `traceContext` is the W3C context
 * of the request, so the dispatch continues its trace.
 */
@Entity({ name: 'outbox_messages' })
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'jsonb' })
  payload!: WelcomeEmailPayload;

  @Column({ name: 'trace_context', type: 'jsonb', default: () => "'{}'" })
  traceContext!: Record<string, string>;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
