import { Type } from 'class-transformer';
import { Matches, ValidateNested } from 'class-validator';
import { SendEmailDto } from './send-email.dto.js';

/** The pattern of a delivery over Nest's TCP transport. */
export const SEND_EMAIL = 'email.send';

/** Up to 255 visible ASCII characters, enough for a UUID or any usual key. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** What the users API's outbox sends: the email and the key that makes its retries deliver it once. */
export class SendEmailMessage {
  @ValidateNested()
  @Type(() => SendEmailDto)
  email!: SendEmailDto;

  @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1 to 255 visible ASCII characters' })
  idempotencyKey!: string;
}

/** The reply: which email, and whether this key had delivered it before. */
export interface SentEmail {
  id: string;
  duplicate: boolean;
}
