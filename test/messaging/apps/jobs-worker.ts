/**
 * A BullMQ worker app without HTTP: an @nestjs/bullmq processor for `emails` and BullMQ's own
 * `Worker` for `DIRECT_QUEUE`. Each job calls the test's HTTP server; `failTimes` makes its first
 * attempts fail, `slowOnAttempt` makes that attempt wait 30 s after its call. With
 * `SHUTDOWN_HOOKS=false` a SIGTERM ends the process at once, mid-job, as in a plain Node worker.
 */
import 'reflect-metadata';
import { Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BullModule, Processor, WorkerHost } from '@nestjs/bullmq';
import { type Job, Worker } from 'bullmq';
import { connection, DIRECT_QUEUE, type JobData, NEST_QUEUE, PREFIX } from './jobs.js';
import { tracing } from './tracing.js';

/** Locks short enough that another worker takes over a killed worker's job within seconds. */
const RECOVERY = { lockDuration: 2000, stalledInterval: 1000 };

async function run(job: Job<JobData>): Promise<{ attempt: number }> {
  const attempt = job.attemptsStarted;
  const response = await fetch(`${process.env.DOWNSTREAM_URL}/jobs/${job.data.id}?queue=${job.queueName}&attempt=${attempt}`);
  await response.arrayBuffer();
  if (job.data.slowOnAttempt === attempt) await new Promise((resolve) => setTimeout(resolve, 30_000));
  if ((job.data.failTimes ?? 0) >= attempt) throw new Error(`attempt ${attempt} failed`);
  return { attempt };
}

@Processor(NEST_QUEUE, RECOVERY)
class EmailsProcessor extends WorkerHost {
  process(job: Job<JobData>): Promise<unknown> {
    return run(job);
  }
}

@Injectable()
class DirectWorker implements OnModuleInit, OnApplicationShutdown {
  private worker?: Worker;

  onModuleInit(): void {
    this.worker = new Worker(DIRECT_QUEUE, run, { connection: connection(), prefix: PREFIX, ...RECOVERY });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}

@Module({
  imports: [...(await tracing()), BullModule.forRoot({ connection: connection(), prefix: PREFIX }), BullModule.registerQueue({ name: NEST_QUEUE })],
  providers: [EmailsProcessor, DirectWorker],
})
class JobsWorkerModule {}

const app = await NestFactory.createApplicationContext(JobsWorkerModule, { logger: ['error', 'warn'] });
if (process.env.SHUTDOWN_HOOKS !== 'false') app.enableShutdownHooks();
await app.init();
console.log('worker ready');
