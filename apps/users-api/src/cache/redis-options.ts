import type { RedisModuleOptions } from '@nestjs-modules/ioredis';
import type { UsersApiConfig } from '../users-api.config.js';

/**
 * Fail fast instead of queueing or retrying: while Redis is down or slow a command errors within
 * `REDIS_COMMAND_TIMEOUT_MS` and the request reads the database; the cache's circuit breaker then
 * skips Redis until it answers again (and says so in the log).
 */
export function redisOptions(config: Pick<UsersApiConfig, 'redisUrl' | 'redisCommandTimeoutMs'>): RedisModuleOptions {
  return {
    type: 'single',
    url: config.redisUrl,
    options: {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
      commandTimeout: config.redisCommandTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5_000),
    },
    onClientReady: (client) => {
      // Connection errors are reported by the cache's circuit breaker; without a listener ioredis
      // would print each reconnection attempt.
      client.on('error', () => {});
    },
  };
}
