/**
 * The process `npm run bench:messaging` measures: it sends messages to itself, `CONCURRENCY` in
 * flight, until stopped, and prints every second how many went round. `LOOP=tcp` is a
 * `createMicroservice` app on the TCP transport whose own client sends `echo` to it; `LOOP=bullmq`
 * adds no-op jobs to a queue that its own worker processes, keeping at most a few hundred waiting.
 * Each message or job is thus paid for twice here: sent and handled, added and processed.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientTCP, MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { Queue, Worker } from 'bullmq';
import { firstValueFrom } from 'rxjs';
import { connection, PREFIX } from './jobs.js';
import { tracing } from './tracing.js';

@Controller()
class EchoController {
  @MessagePattern('echo')
  echo(@Payload() order: unknown): unknown {
    return order;
  }
}

@Module({ imports: await tracing(), controllers: [EchoController] })
class LoopModule {}

const concurrency = Number(process.env.CONCURRENCY ?? 10);
const order = { id: 'order-1', items: [{ sku: 'A-1', quantity: 2 }], note: 'bench' };
let done = 0;
let running = true;
process.once('SIGTERM', () => (running = false));
setInterval(() => console.log(`done ${done}`), 1000).unref();

async function tcpLoop(): Promise<() => Promise<void>> {
  const port = Number(process.env.TARGET);
  const app = await NestFactory.createMicroservice(LoopModule, { transport: Transport.TCP, options: { host: '127.0.0.1', port }, logger: ['error', 'warn'] });
  await app.listen();
  const client = new ClientTCP({ host: '127.0.0.1', port });
  await client.connect();
  const loop = async () => {
    while (running) {
      await firstValueFrom(client.send('echo', order));
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return async () => {
    await client.close();
    await app.close();
  };
}

async function bullmqLoop(): Promise<() => Promise<void>> {
  const app = await NestFactory.createApplicationContext(LoopModule, { logger: ['error', 'warn'] });
  const name = process.env.QUEUE ?? 'bench';
  const queue = new Queue(name, { connection: connection(), prefix: PREFIX });
  const worker = new Worker(name, async () => done++, { connection: connection(), prefix: PREFIX, concurrency });
  const loop = async () => {
    while (running) {
      if ((await queue.getWaitingCount()) > 200) await new Promise((resolve) => setTimeout(resolve, 5));
      else for (let index = 0; index < 20 && running; index++) await queue.add('noop', order, { removeOnComplete: true, removeOnFail: true });
    }
  };
  await loop();
  return async () => {
    await worker.close();
    await queue.close();
    await app.close();
  };
}

console.log('loop ready');
const close = await (process.env.LOOP === 'bullmq' ? bullmqLoop() : tcpLoop());
await close();
