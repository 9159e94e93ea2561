import { Module } from '@nestjs/common';
import { EmailClient } from './email.client.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import { OutboxRepository } from './outbox.repository.js';

@Module({
  providers: [OutboxDispatcher, OutboxRepository, EmailClient],
  exports: [OutboxDispatcher],
})
export class OutboxModule {}
