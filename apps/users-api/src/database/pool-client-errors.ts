import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * A connection the server ends (a restart, `pg_terminate_backend`) emits 'error' on its pg client.
 * pg-pool listens on idle clients only and TypeORM's query runner stops listening once it has
 * released the client, so an error arriving in between is an unhandled 'error' event: the process
 * exits (typeorm#5387, node-postgres#2762). Every client gets a listener of its own on first
 * checkout; the request that was using it fails as database-unavailable, and the pool replaces it.
 */
@Injectable()
export class PoolClientErrors implements OnModuleInit {
  private readonly logger = new Logger('Database');
  private readonly guarded = new WeakSet<PoolClient>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    pool.on('acquire', (client) => {
      if (this.guarded.has(client)) return;
      this.guarded.add(client);
      client.on('error', (error) => this.logger.warn(`database connection lost: ${error.message}`));
    });
  }
}
