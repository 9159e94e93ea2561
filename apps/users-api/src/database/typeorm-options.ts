import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { OutboxMessage } from '../outbox/outbox-message.entity.js';
import type { UsersApiConfig } from '../users-api.config.js';
import { User } from '../users/user.entity.js';
import { CreateUsersAndOutbox1764000000000 } from './migrations/1764000000000-create-users-and-outbox.js';

/** How much longer than `statement_timeout` the driver waits for a server that says nothing at all. */
const SILENT_SERVER_GRACE_MS = 500;

/** How long a request's database work may take in all, however many statements and waits it makes. */
export const databaseDeadlineMs = (config: Pick<UsersApiConfig, 'databaseStatementTimeoutMs'>) => config.databaseStatementTimeoutMs + SILENT_SERVER_GRACE_MS;

/**
 * Schema changes go through migrations, run at startup; `synchronize` is never on. Every wait is
 * bounded, so a stalled database costs a request a bounded time and then a 503: connecting and
 * waiting for a pooled connection (`connectionTimeoutMillis`), a statement on a live server
 * (`statement_timeout`, `lock_timeout`, enforced by PostgreSQL) and a frozen one (`query_timeout`,
 * enforced by the driver).
 */
export function typeOrmOptions(
  url: string,
  embedded: boolean,
  config: Pick<UsersApiConfig, 'databaseConnectTimeoutMs' | 'databaseStatementTimeoutMs'>,
): TypeOrmModuleOptions {
  const statementTimeout = config.databaseStatementTimeoutMs;
  return {
    type: 'postgres',
    url,
    entities: [User, OutboxMessage],
    migrations: [CreateUsersAndOutbox1764000000000],
    migrationsRun: true,
    synchronize: false,
    retryAttempts: 3,
    retryDelay: 1_000,
    extra: {
      max: embedded ? 1 : 10,
      connectionTimeoutMillis: config.databaseConnectTimeoutMs,
      statement_timeout: statementTimeout,
      lock_timeout: statementTimeout,
      query_timeout: statementTimeout + SILENT_SERVER_GRACE_MS,
      keepAlive: true,
    },
  };
}
