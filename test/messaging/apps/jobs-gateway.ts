/**
 * An HTTP app that adds BullMQ jobs: through @nestjs/bullmq's queue, and through BullMQ's own
 * `Queue` and `FlowProducer`, as apps use it directly.
 */
import 'reflect-metadata';
import { Body, Controller, Delete, HttpCode, Inject, Module, type OnApplicationShutdown, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { FlowProducer, Queue } from 'bullmq';
import { connection, DIRECT_QUEUE, type JobData, NEST_QUEUE, PREFIX } from './jobs.js';
import { tracing } from './tracing.js';

const DIRECT = Symbol('direct BullMQ');

interface Direct {
  queues: Map<string, Queue>;
  flows: FlowProducer;
}

@Controller()
class JobsController implements OnApplicationShutdown {
  constructor(
    @InjectQueue(NEST_QUEUE) private readonly emails: Queue,
    @Inject(DIRECT) private readonly direct: Direct,
  ) {}

  @Post('jobs')
  async add(@Body() data: JobData, @Query('delay') delay?: string): Promise<{ id?: string }> {
    const job = await this.emails.add('welcome', data, { attempts: 3, backoff: { type: 'fixed', delay: 100 }, delay: Number(delay ?? 0) });
    return { id: job.id };
  }

  @Post('bulk')
  async addBulk(@Body() data: JobData[]): Promise<{ ids: (string | undefined)[] }> {
    const jobs = await this.emails.addBulk(data.map((item) => ({ name: 'welcome', data: item })));
    return { ids: jobs.map((job) => job.id) };
  }

  @Post('direct-jobs')
  async addDirect(@Body() data: JobData, @Query('queue') queue = DIRECT_QUEUE): Promise<{ id?: string }> {
    const job = await this.queue(queue).add('report', data, { attempts: 2 });
    return { id: job.id };
  }

  @Post('flows')
  async addFlow(@Body() data: JobData): Promise<{ id?: string }> {
    const flow = await this.direct.flows.add({
      name: 'digest',
      queueName: DIRECT_QUEUE,
      data,
      children: [{ name: 'section', queueName: DIRECT_QUEUE, data: { ...data, id: `${data.id}-child` } }],
    });
    return { id: flow.job.id };
  }

  @Post('schedules')
  @HttpCode(201)
  async schedule(@Body() data: JobData): Promise<object> {
    await this.emails.upsertJobScheduler('tick', { every: 700 }, { name: 'tick', data });
    return {};
  }

  @Delete('schedules')
  async unschedule(): Promise<object> {
    await this.emails.removeJobScheduler('tick');
    return {};
  }

  private queue(name: string): Queue {
    let queue = this.direct.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: connection(), prefix: PREFIX });
      this.direct.queues.set(name, queue);
    }
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.direct.queues.values()].map((queue) => queue.close()));
    await this.direct.flows.close();
  }
}

@Module({
  imports: [...(await tracing()), BullModule.forRoot({ connection: connection(), prefix: PREFIX }), BullModule.registerQueue({ name: NEST_QUEUE })],
  controllers: [JobsController],
  providers: [{ provide: DIRECT, useFactory: (): Direct => ({ queues: new Map(), flows: new FlowProducer({ connection: connection(), prefix: PREFIX }) }) }],
})
class JobsGatewayModule {}

const app = await NestFactory.create(JobsGatewayModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
console.log(`jobs gateway listening on ${await app.getUrl()}`);
