import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { BullModule } from '@nestjs/bullmq';
import { TracingModule } from 'nestjs-tracing';
import { ORDERS_QUEUE, PRICING_CLIENT, queuePrefix, redis } from '../orders.js';
import { OrdersController } from './orders.controller.js';

@Module({
  imports: [
    TracingModule.forRoot(),
    ClientsModule.register([{ name: PRICING_CLIENT, transport: Transport.REDIS, options: redis }]),
    BullModule.forRoot({ connection: redis, prefix: queuePrefix }),
    BullModule.registerQueue({ name: ORDERS_QUEUE }),
  ],
  controllers: [OrdersController],
})
export class GatewayModule {}
