import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { firstValueFrom } from 'rxjs';
import { ORDERS_QUEUE, PRICE_ORDER, PRICING_CLIENT } from '../orders.js';

@Controller()
export class OrdersController {
  constructor(
    @Inject(PRICING_CLIENT) private readonly pricing: ClientProxy,
    @InjectQueue(ORDERS_QUEUE) private readonly orders: Queue,
  ) {}

  /** Prices the order with the worker over Redis, then queues its confirmation for the worker. */
  @Get('orders/:id')
  async place(@Param('id') id: string) {
    const { price } = await firstValueFrom(this.pricing.send<{ price: number }>(PRICE_ORDER, { id }));
    const job = await this.orders.add('confirm', { id, price });
    return { id, price, job: job.id };
  }

  @Get('orders/:id/status')
  status(@Param('id') id: string) {
    return { id, status: 'confirmed' };
  }
}
