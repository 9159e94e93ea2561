import { Module } from '@nestjs/common';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import { emailSenderProvider } from './outbox.providers.js';
import { OutboxRepository } from './outbox.repository.js';

@Module({
  providers: [OutboxDispatcher, OutboxRepository, emailSenderProvider],
  exports: [OutboxDispatcher],
})
export class OutboxModule {}
