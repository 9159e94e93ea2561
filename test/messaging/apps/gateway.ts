/**
 * An HTTP gateway that sends over the transport of `TRANSPORT` to a worker (`MAIN_TARGET`) and, when
 * `PEER_TARGET` is set, to a second one. With `UNINSTRUMENTED=1` it imports no tracing at all.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule } from '@nestjs/microservices';
import { GatewayController, MAIN_CLIENT, PEER_CLIENT } from './gateway.controller.js';
import { GrpcGatewayController } from './grpc-gateway.controller.js';
import { tracing } from './tracing.js';
import { clientOptions, endpointFromEnv } from './transport-options.js';

const main = endpointFromEnv('MAIN_');
const peer = process.env.PEER_TARGET ? endpointFromEnv('PEER_') : undefined;

@Module({
  imports: [...(await tracing()), ClientsModule.register([clientOptions(MAIN_CLIENT, main), ...(peer ? [clientOptions(PEER_CLIENT, peer)] : [])])],
  controllers: [main.transport === 'grpc' ? GrpcGatewayController : GatewayController],
})
class GatewayModule {}

const app = await NestFactory.create(GatewayModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
console.log(`gateway listening on ${await app.getUrl()}`);
