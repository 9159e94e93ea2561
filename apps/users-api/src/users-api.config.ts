import { type Env, envInteger, envString, envUrl } from '@app/common';

export interface UsersApiConfig {
  port: number;
  /** PostgreSQL to use; without it an embedded PGlite serves the wire protocol from `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Redis for the read-through cache; without it the cache is off. */
  redisUrl?: string;
  cacheTtlSeconds: number;
  emailServiceUrl: string;
  emailTimeoutMs: number;
  outboxPollMs: number;
}

export function loadUsersApiConfig(env: Env = process.env): UsersApiConfig {
  return {
    port: envInteger(env, 'PORT', 3000, { max: 65535 }),
    databaseUrl: envUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: envString(env, 'DATA_DIR', '.data'),
    redisUrl: envUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    cacheTtlSeconds: envInteger(env, 'CACHE_TTL_SECONDS', 60, { min: 1 }),
    emailServiceUrl: envUrl(env, 'EMAIL_SERVICE_URL', ['http:', 'https:'], 'http://localhost:3001')!,
    emailTimeoutMs: envInteger(env, 'EMAIL_TIMEOUT_MS', 2_000, { min: 1 }),
    outboxPollMs: envInteger(env, 'OUTBOX_POLL_MS', 1_000, { min: 10 }),
  };
}

export const USERS_API_CONFIG = Symbol('USERS_API_CONFIG');
