import { type Env, envChoice, envInteger, envString, envUrl } from '@app/common';

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
  emailServiceUrl: string;
  emailTimeoutMs: number;
  outboxPollMs: number;
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
    emailServiceUrl: envUrl(env, 'EMAIL_SERVICE_URL', ['http:', 'https:'], 'http://localhost:3001')!,
    emailTimeoutMs: envInteger(env, 'EMAIL_TIMEOUT_MS', 2_000, { min: 1 }),
    outboxPollMs: envInteger(env, 'OUTBOX_POLL_MS', 1_000, { min: 10 }),
    passwordScryptCost: Number(envChoice(env, 'PASSWORD_SCRYPT_COST', SCRYPT_COSTS, '16384')),
  };
}

export const USERS_API_CONFIG = Symbol('USERS_API_CONFIG');
