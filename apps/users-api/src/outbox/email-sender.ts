import type { WelcomeEmailPayload } from './outbox-message.entity.js';

/**
 * Hands an email to the email service. It resolves once the service has it, and rejects otherwise;
 * the same idempotency key makes a retry after a lost answer deliver nothing new.
 */
export interface EmailSender {
  send(email: WelcomeEmailPayload, idempotencyKey: string): Promise<void>;
}

/** Injection token of the {@link EmailSender} that `EMAIL_SERVICE_URL`'s scheme picks. */
export const EMAIL_SENDER = Symbol('EMAIL_SENDER');
