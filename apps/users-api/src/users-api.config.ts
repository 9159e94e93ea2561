import { type Env, envChoice, envInteger, envString, envUrl } from 'nestjs-tracing/config';

/** scrypt's N: a power of two. 16384 is the usual interactive-login cost. */
const SCRYPT_COSTS = ['1024', '2048', '4096', '8192', '16384', '32768', '65536', '131072'] as const;

export interface UsersApiConfig {
  port: number;
  /** PostgreSQL to use; without it an embedded PGlite serves the wire protocol from `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Redis for the read-through cache; without it the cache is off. */
  redisUrl?: string;
  cacheTtlSeconds: number;
  /** `tcp://host:port` for Nest's TCP transport (the default), `http(s)://` for its HTTP API. */
  emailServiceUrl: string;
  emailTimeoutMs: number;
  outboxPollMs: number;
  /** Delivered outbox messages are kept this long (`OUTBOX_RETENTION_HOURS`), for support to look up. */
  outboxRetentionHours: number;
  /** How often the outbox cleanup job deletes the delivered messages past their retention (`OUTBOX_CLEANUP_MS`). */
  outboxCleanupMs: number;
  /** Connecting, or waiting for a free pooled connection, gives up after this (`DATABASE_CONNECT_TIMEOUT_MS`). */
  databaseConnectTimeoutMs: number;
  /** A statement runs at most this long (`DATABASE_STATEMENT_TIMEOUT_MS`); the driver gives up on a silent server soon after. */
  databaseStatementTimeoutMs: number;
  /** A Redis command that takes longer fails and the request reads the database (`REDIS_COMMAND_TIMEOUT_MS`). */
  redisCommandTimeoutMs: number;
  /** After a Redis failure the cache is skipped for this long while a probe waits for Redis (`REDIS_RETRY_MS`). */
  redisRetryMs: number;
  /** scrypt's N for new password hashes (`PASSWORD_SCRYPT_COST`); existing hashes keep theirs. */
  passwordScryptCost: number;
}

export function loadUsersApiConfig(env: Env = process.env): UsersApiConfig {
  return {
    port: envInteger(env, 'PORT', 3000, { max: 65535 }),
    databaseUrl: envUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: envString(env, 'DATA_DIR', '.data'),
    redisUrl: envUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    cacheTtlSeconds: envInteger(env, 'CACHE_TTL_SECONDS', 60, { min: 1 }),
    databaseConnectTimeoutMs: envInteger(env, 'DATABASE_CONNECT_TIMEOUT_MS', 2_000, { min: 100, max: 60_000 }),
    databaseStatementTimeoutMs: envInteger(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 2_000, { min: 100, max: 600_000 }),
    redisCommandTimeoutMs: envInteger(env, 'REDIS_COMMAND_TIMEOUT_MS', 100, { min: 10, max: 10_000 }),
    redisRetryMs: envInteger(env, 'REDIS_RETRY_MS', 1_000, { min: 100, max: 60_000 }),
    emailServiceUrl: envUrl(env, 'EMAIL_SERVICE_URL', ['tcp:', 'http:', 'https:'], 'tcp://localhost:3002')!,
    emailTimeoutMs: envInteger(env, 'EMAIL_TIMEOUT_MS', 2_000, { min: 1 }),
    outboxPollMs: envInteger(env, 'OUTBOX_POLL_MS', 1_000, { min: 10 }),
    outboxRetentionHours: envInteger(env, 'OUTBOX_RETENTION_HOURS', 168, { min: 1 }),
    outboxCleanupMs: envInteger(env, 'OUTBOX_CLEANUP_MS', 3_600_000, { min: 100 }),
    passwordScryptCost: Number(envChoice(env, 'PASSWORD_SCRYPT_COST', SCRYPT_COSTS, '16384')),
  };
}

export const USERS_API_CONFIG = Symbol('USERS_API_CONFIG');
