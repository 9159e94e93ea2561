import { Module } from '@nestjs/common';
import { OutboxCleanup } from './outbox-cleanup.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import { emailSenderProvider } from './outbox.providers.js';
import { OutboxRepository } from './outbox.repository.js';

@Module({
  providers: [OutboxDispatcher, OutboxCleanup, OutboxRepository, emailSenderProvider],
})
export class OutboxModule {}
