import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { ORDERS_QUEUE } from '../orders.js';

/** Confirms an order by calling back the gateway, which stands in for any HTTP service. */
@Processor(ORDERS_QUEUE)
export class ConfirmationsProcessor extends WorkerHost {
  async process(job: Job<{ id: string }>) {
    const response = await fetch(`${process.env.GATEWAY_URL}/orders/${job.data.id}/status`);
    return { confirmed: job.data.id, status: response.status };
  }
}
