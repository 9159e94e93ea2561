import { Controller, HttpException } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { createValidationPipe, RequestShapePipe } from '@app/common';
import { MailboxService } from './mailbox.service.js';
import { SEND_EMAIL, SendEmailMessage, type SentEmail } from './send-email.message.js';

const shape = new RequestShapePipe();
const validation = createValidationPipe();

/**
 * Deliveries over Nest's TCP transport: the same mailbox, and the same idempotency, as `POST /emails`.
 * A refused message or a failed provider answers an `RpcException` that says why, with the status
 * the HTTP route would have given, so the sender's retry log reads as clearly as an HTTP error.
 */
@Controller()
export class EmailMessagesController {
  constructor(private readonly mailbox: MailboxService) {}

  @MessagePattern(SEND_EMAIL)
  async send(@Payload() payload: unknown): Promise<SentEmail> {
    try {
      const checked = shape.transform(payload, { type: 'body', metatype: SendEmailMessage });
      const message = (await validation.transform(checked, { type: 'body', metatype: SendEmailMessage })) as SendEmailMessage;
      const { email, duplicate } = await this.mailbox.deliver(message.email, message.idempotencyKey);
      return { id: email.id, duplicate };
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      throw new RpcException({ status: 'error', statusCode: error.getStatus(), message: error.message, details: error.getResponse() });
    }
  }
}
