import { AppConfigError } from '@app/common';
import { loadUsersApiConfig } from './users-api.config.js';

describe('loadUsersApiConfig', () => {
  it('defaults to the embedded database, no cache, and the local email service', () => {
    expect(loadUsersApiConfig({})).toEqual({
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.data',
      redisUrl: undefined,
      cacheTtlSeconds: 60,
      emailServiceUrl: 'http://localhost:3001',
      emailTimeoutMs: 2000,
      outboxPollMs: 1000,
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
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadUsersApiConfig(env)).toThrow(AppConfigError);
    expect(() => loadUsersApiConfig(env)).toThrow(`Invalid ${variable}=`);
  });
});
