import { BadRequestException, Body, Controller, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type AppCounter, MetricsService } from 'nestjs-tracing';
import type { Repository } from 'typeorm';
import winston from 'winston';
import { Order } from './order.entity.js';

const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Console()] });

@Controller('orders')
export class OrdersController {
  private readonly created: AppCounter;

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    metrics: MetricsService,
  ) {
    this.created = metrics.counter('orders_created_total', { help: 'Orders taken' });
  }

  @Post()
  async create(@Body() body: { item?: unknown }): Promise<Order> {
    if (typeof body.item !== 'string' || body.item.length === 0) throw new BadRequestException('item must be a non-empty string');
    const order = await this.orders.save(this.orders.create({ item: body.item }));
    this.created.add();
    logger.info('order taken', { orderId: order.id });
    return order;
  }
}
