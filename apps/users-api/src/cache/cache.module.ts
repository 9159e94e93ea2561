import { type DynamicModule, Module } from '@nestjs/common';
import { RedisModule } from '@nestjs-modules/ioredis';
import type { UsersApiConfig } from '../users-api.config.js';
import { redisOptions } from './redis-options.js';
import { RedisUsersCache } from './redis-users-cache.js';
import { DisabledUsersCache, UsersCache } from './users-cache.js';

@Module({})
export class CacheModule {
  static register(config: UsersApiConfig): DynamicModule {
    if (!config.redisUrl) {
      return { module: CacheModule, providers: [{ provide: UsersCache, useClass: DisabledUsersCache }], exports: [UsersCache] };
    }
    return {
      module: CacheModule,
      imports: [RedisModule.forRoot(redisOptions(config))],
      providers: [{ provide: UsersCache, useClass: RedisUsersCache }],
      exports: [UsersCache],
    };
  }
}
