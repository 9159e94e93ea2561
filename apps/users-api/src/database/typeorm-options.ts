import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { OutboxMessage } from '../outbox/outbox-message.entity.js';
import { User } from '../users/user.entity.js';
import { CreateUsersAndOutbox1764000000000 } from './migrations/1764000000000-create-users-and-outbox.js';

/** Schema changes go through migrations, run at startup; `synchronize` is never on. */
export function typeOrmOptions(url: string, embedded: boolean): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    url,
    entities: [User, OutboxMessage],
    migrations: [CreateUsersAndOutbox1764000000000],
    migrationsRun: true,
    synchronize: false,
    retryAttempts: 3,
    retryDelay: 1_000,
    extra: { max: embedded ? 1 : 10, connectionTimeoutMillis: 5_000 },
  };
}
