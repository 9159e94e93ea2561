import { Inject, Injectable } from '@nestjs/common';
import { InjectRedis } from '@nestjs-modules/ioredis';
import { TraceService } from '@app/tracing';
import type { Redis } from 'ioredis';
import { USERS_API_CONFIG, type UsersApiConfig } from '../users-api.config.js';
import { UsersCache, type UserView } from './users-cache.js';

const key = (id: string) => `users:${id}`;

@Injectable()
export class RedisUsersCache extends UsersCache {
  constructor(
    @InjectRedis() private readonly redis: Redis,
    @Inject(USERS_API_CONFIG) private readonly config: UsersApiConfig,
    private readonly traces: TraceService,
  ) {
    super();
  }

  async get(id: string): Promise<UserView | undefined> {
    const cached = await this.attempt('get', () => this.redis.get(key(id)));
    return cached ? (JSON.parse(cached) as UserView) : undefined;
  }

  async set(user: UserView): Promise<void> {
    await this.attempt('set', () => this.redis.set(key(user.id), JSON.stringify(user), 'EX', this.config.cacheTtlSeconds));
  }

  async delete(id: string): Promise<void> {
    await this.attempt('delete', () => this.redis.del(key(id)));
  }

  /** A cache failure is recorded on the active span and otherwise ignored: the database answers. */
  private async attempt<T>(operation: string, command: () => Promise<T>): Promise<T | undefined> {
    try {
      return await command();
    } catch (error) {
      this.traces.recordException(error);
      this.traces.addEvent('cache.error', { 'cache.operation': operation });
      return undefined;
    }
  }
}
