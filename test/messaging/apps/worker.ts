/**
 * A worker started with `NestFactory.createMicroservice` on the transport of `TRANSPORT`. With
 * `UNINSTRUMENTED=1` it imports no tracing at all: the peer that does not use the library.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcWorkerController } from './grpc-worker.controller.js';
import { tracing } from './tracing.js';
import { endpointFromEnv, serverOptions } from './transport-options.js';
import { WorkerController } from './worker.controller.js';

const endpoint = endpointFromEnv();

@Module({
  imports: await tracing(),
  controllers: [endpoint.transport === 'grpc' ? GrpcWorkerController : WorkerController],
})
class WorkerModule {}

const app = await NestFactory.createMicroservice(WorkerModule, { ...serverOptions(endpoint), logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen();
console.log('worker ready');
