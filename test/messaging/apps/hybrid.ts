/**
 * A hybrid app: HTTP, and the TCP transport on `TARGET` connected with `connectMicroservice`
 * (`inheritAppConfig` from `INHERIT_APP_CONFIG`), whose routes call its own handlers over TCP.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule } from '@nestjs/microservices';
import { TracingModule } from 'nestjs-tracing';
import { GatewayController, MAIN_CLIENT } from './gateway.controller.js';
import { clientOptions, endpointFromEnv, serverOptions } from './transport-options.js';
import { WorkerController } from './worker.controller.js';

const endpoint = endpointFromEnv();

@Module({
  imports: [TracingModule.forRoot(), ClientsModule.register([clientOptions(MAIN_CLIENT, endpoint)])],
  controllers: [GatewayController, WorkerController],
})
class HybridModule {}

const app = await NestFactory.create(HybridModule, { logger: ['error', 'warn'] });
app.connectMicroservice(serverOptions(endpoint), { inheritAppConfig: process.env.INHERIT_APP_CONFIG === 'true' });
app.enableShutdownHooks();
await app.startAllMicroservices();
await app.listen(0, '127.0.0.1');
console.log(`hybrid listening on ${await app.getUrl()}`);
