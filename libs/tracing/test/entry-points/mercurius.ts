/**
 * A Fastify app with GraphQL on Mercurius, a socket.io gateway, Nest's own logger in text mode, and
 * the enhancer spans on, with a guard shared by two controllers. Started with the preload by
 * entry-points.e2e-spec.ts.
 */
import 'reflect-metadata';
import { type CanActivate, Controller, Get, Injectable, Module, Param, ParseIntPipe, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { TracingModule } from 'nestjs-tracing';
import { TracingConsoleLogger } from 'nestjs-tracing/logging';
import { callSelf, ItemsController, listeningOn, UsersResolver } from './shared.js';

@Injectable()
class TenantGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller('orders')
@UseGuards(TenantGuard)
class OrdersController {
  @Get(':id')
  find(@Param('id', ParseIntPipe) id: number) {
    return { id };
  }
}

@Controller('invoices')
@UseGuards(TenantGuard)
class InvoicesController {
  @Get()
  list() {
    return [];
  }
}

@WebSocketGateway()
class PingGateway {
  @SubscribeMessage('ping')
  async ping(@MessageBody() data: { id: string }) {
    await callSelf(`/items/io-${data.id}`);
    return { pong: data.id };
  }
}

@Module({
  imports: [TracingModule.forRoot({ enhancerSpans: true }), GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true })],
  controllers: [ItemsController, OrdersController, InvoicesController],
  providers: [UsersResolver, PingGateway],
})
class AppModule {}

const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: new TracingConsoleLogger() });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
listeningOn(url);
process.stdout.write(`listening ${url}\n`);
