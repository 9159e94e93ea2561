import { Controller, Get, NotFoundException, type OnModuleDestroy, type OnModuleInit, Param } from '@nestjs/common';
import bunyan from 'bunyan';
import knex from 'knex';
import { Counted } from 'nestjs-tracing';

const logger = bunyan.createLogger({ name: 'stock' });

@Controller('stock')
export class StockController implements OnModuleInit, OnModuleDestroy {
  private readonly db = knex({ client: 'pg', connection: process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });

  async onModuleInit(): Promise<void> {
    await this.db.raw('CREATE TABLE IF NOT EXISTS stock (sku text PRIMARY KEY, count integer NOT NULL)');
    await this.db.raw("INSERT INTO stock (sku, count) VALUES ('tea', 12) ON CONFLICT (sku) DO NOTHING");
  }

  async onModuleDestroy(): Promise<void> {
    await this.db.destroy();
  }

  @Get(':sku')
  @Counted()
  async find(@Param('sku') sku: string): Promise<{ sku: string; count: number }> {
    const row = await this.db('stock').where({ sku }).first<{ sku: string; count: number } | undefined>();
    if (!row) throw new NotFoundException(`no stock for ${sku}`);
    logger.info({ sku }, 'stock read');
    return row;
  }
}
