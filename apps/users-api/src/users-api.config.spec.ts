import { ConfigError } from 'nestjs-tracing/config';
import { loadUsersApiConfig } from './users-api.config.js';

describe('loadUsersApiConfig', () => {
  it('defaults to the embedded database, no cache, and the local email service', () => {
    expect(loadUsersApiConfig({})).toEqual({
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.data',
      redisUrl: undefined,
      cacheTtlSeconds: 60,
      databaseConnectTimeoutMs: 2000,
      databaseStatementTimeoutMs: 2000,
      redisCommandTimeoutMs: 100,
      redisRetryMs: 1000,
      emailServiceUrl: 'tcp://localhost:3002',
      emailTimeoutMs: 2000,
      outboxPollMs: 1000,
      outboxRetentionHours: 168,
      outboxCleanupMs: 3_600_000,
      passwordScryptCost: 16384,
    });
    expect(loadUsersApiConfig({ PASSWORD_SCRYPT_COST: '1024' }).passwordScryptCost).toBe(1024);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://db/users' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CACHE_TTL_SECONDS: '0' }, 'CACHE_TTL_SECONDS'],
    [{ PASSWORD_SCRYPT_COST: '1000' }, 'PASSWORD_SCRYPT_COST'],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '0' }, 'DATABASE_STATEMENT_TIMEOUT_MS'],
    [{ REDIS_COMMAND_TIMEOUT_MS: 'fast' }, 'REDIS_COMMAND_TIMEOUT_MS'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadUsersApiConfig(env)).toThrow(ConfigError);
    expect(() => loadUsersApiConfig(env)).toThrow(`Invalid ${variable}=`);
  });
});
