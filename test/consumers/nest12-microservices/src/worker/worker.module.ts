import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TracingModule } from 'nestjs-tracing';
import { ORDERS_QUEUE, queuePrefix, redis } from '../orders.js';
import { ConfirmationsProcessor } from './confirmations.processor.js';
import { PricingController } from './pricing.controller.js';

@Module({
  imports: [TracingModule.forRoot(), BullModule.forRoot({ connection: redis, prefix: queuePrefix }), BullModule.registerQueue({ name: ORDERS_QUEUE })],
  controllers: [PricingController],
  providers: [ConfirmationsProcessor],
})
export class WorkerModule {}
