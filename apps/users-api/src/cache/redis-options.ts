import { Logger } from '@nestjs/common';
import type { RedisModuleOptions } from '@nestjs-modules/ioredis';

const logger = new Logger('Cache');

/**
 * Fail fast instead of queueing: while Redis is down a command errors at once (and the request
 * reads the database) rather than waiting for a reconnect.
 */
export function redisOptions(url: string): RedisModuleOptions {
  return {
    type: 'single',
    url,
    options: {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      commandTimeout: 500,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5_000),
    },
    onClientReady: (client) => {
      let down = false;
      client.on('error', (error: Error) => {
        if (!down) logger.warn(`Redis unavailable, serving from the database: ${error.message}`);
        down = true;
      });
      client.on('ready', () => {
        if (down) logger.log('Redis is back');
        down = false;
      });
    },
  };
}
