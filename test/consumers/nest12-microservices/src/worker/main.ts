import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { redis } from '../orders.js';
import { WorkerModule } from './worker.module.js';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(WorkerModule, { transport: Transport.REDIS, options: redis });
  app.enableShutdownHooks();
  await app.listen();
}
await bootstrap();
