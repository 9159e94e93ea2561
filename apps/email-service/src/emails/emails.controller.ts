import { Body, Controller, Get, Headers, HttpStatus, Post, Res } from '@nestjs/common';
import { validationFailed } from '@app/common';
import type { Response } from 'express';
import { type DeliveredEmail, MailboxService } from './mailbox.service.js';
import { SendEmailDto } from './send-email.dto.js';
import { IDEMPOTENCY_KEY } from './send-email.message.js';

@Controller('emails')
export class EmailsController {
  constructor(private readonly mailbox: MailboxService) {}

  /** 201 for a new delivery, 200 with the original for a repeated `Idempotency-Key`. */
  @Post()
  async send(
    @Body() message: SendEmailDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeliveredEmail> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw validationFailed({ 'Idempotency-Key': ['Idempotency-Key must be 1 to 255 visible ASCII characters'] });
    }
    const { email, duplicate } = await this.mailbox.deliver(message, idempotencyKey);
    response.status(duplicate ? HttpStatus.OK : HttpStatus.CREATED);
    return email;
  }

  @Get()
  list(): DeliveredEmail[] {
    return this.mailbox.list();
  }
}
