import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [OutboxModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, PasswordHasher],
})
export class UsersModule {}
