import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLoggerModule, GracefulHttpShutdown } from '@app/common';
import { TracingModule } from 'nestjs-tracing';
import { CacheModule } from './cache/cache.module.js';
import { DatabaseExceptionFilter } from './database/database-exception.filter.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';
import { PoolClientErrors } from './database/pool-client-errors.js';
import { typeOrmOptions } from './database/typeorm-options.js';
import { HealthController } from './health/health.controller.js';
import { PingController } from './health/ping.controller.js';
import { USERS_API_CONFIG, type UsersApiConfig } from './users-api.config.js';
import { UsersModule } from './users/users.module.js';

export interface DatabaseConnection {
  url: string;
  /** Present when no DATABASE_URL was given; closed after TypeORM on shutdown. */
  embedded?: EmbeddedPostgres;
}

@Module({})
export class AppModule {
  static register(config: UsersApiConfig, database: DatabaseConnection): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        TracingModule.forRoot(),
        createLoggerModule(),
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        TypeOrmModule.forRoot(typeOrmOptions(database.url, database.embedded !== undefined, config)),
        { ...CacheModule.register(config), global: true },
        UsersModule,
      ],
      controllers: [HealthController, PingController],
      providers: [
        { provide: USERS_API_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: DatabaseExceptionFilter },
        PoolClientErrors,
        GracefulHttpShutdown,
        ...(database.embedded ? [{ provide: EmbeddedPostgres, useValue: database.embedded }] : []),
      ],
      exports: [USERS_API_CONFIG],
    };
  }
}
