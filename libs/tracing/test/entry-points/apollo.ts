/**
 * An Express app with every entry point but HTTP controllers: GraphQL on Apollo, a `ws` gateway,
 * scheduled jobs (decorators and the registry), event listeners, an upload route, and Nest's own
 * logger in JSON mode. Started with the preload by entry-points.e2e-spec.ts.
 */
import 'reflect-metadata';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Controller, Injectable, Logger, Module, type OnModuleInit, Param, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { GraphQLModule } from '@nestjs/graphql';
import { FileInterceptor } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { Cron, Interval, ScheduleModule, SchedulerRegistry, Timeout } from '@nestjs/schedule';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { CronJob } from 'cron';
import { TracingModule } from 'nestjs-tracing';
import { TracingConsoleLogger } from 'nestjs-tracing/logging';
import { callSelf, ItemsController, listeningOn, UsersResolver } from './shared.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Injectable()
class Jobs implements OnModuleInit {
  private readonly logger = new Logger(Jobs.name);
  private runs = 0;

  constructor(private readonly registry: SchedulerRegistry) {}

  /** Runs overlap: each takes longer than the interval. */
  @Interval('heartbeat', 150)
  async heartbeat(): Promise<void> {
    const run = ++this.runs;
    if (run > 4) return;
    this.logger.log(`heartbeat ${run}`);
    await callSelf(`/items/heartbeat-${run}`);
    await sleep(300);
  }

  @Cron('* * * * * *')
  failEverySecond(): never {
    throw new Error('the cron job failed');
  }

  @Timeout(100)
  async warmUp(): Promise<void> {
    await callSelf('/items/warm-up');
  }

  onModuleInit(): void {
    const cron = new CronJob('* * * * * *', async () => {
      await callSelf('/items/registry-cron');
    });
    this.registry.addCronJob('registry-cron', cron);
    cron.start();
    this.registry.addTimeout(
      'registry-timeout',
      setTimeout(() => void callSelf('/items/registry-timeout'), 200),
    );
  }
}

@Injectable()
class SignupListeners {
  private readonly logger = new Logger(SignupListeners.name);

  @OnEvent('user.created')
  countSignup(payload: { name: string }): void {
    this.logger.log(`counted ${payload.name}`);
  }

  @OnEvent('user.created')
  async sendWelcome(payload: { name: string }): Promise<void> {
    await callSelf(`/items/welcome-${payload.name}`);
  }

  @OnEvent('user.*')
  audit(): void {}

  @OnEvent('user.created')
  failToNotify(): never {
    throw new Error('the listener failed');
  }
}

@Controller()
class SignupsController {
  constructor(private readonly events: EventEmitter2) {}

  @Post('signups/:name')
  async signup(@Param('name') name: string) {
    await this.events.emitAsync('user.created', { name });
    this.events.emit('user.updated', { name });
    return { name };
  }

  @Post('upload')
  @UseInterceptors(FileInterceptor('file'))
  async upload(@UploadedFile() file: { originalname: string; size: number }) {
    await callSelf(`/items/upload-${file.size}`);
    return { name: file.originalname, size: file.size };
  }
}

@WebSocketGateway({ path: '/ws' })
class PingGateway {
  @SubscribeMessage('ping')
  async ping(@MessageBody() data: { id: string }) {
    await callSelf(`/items/ws-${data.id}`);
    return { event: 'pong', data };
  }

  @SubscribeMessage('fail')
  fail(): never {
    throw new WsException('the ws handler failed');
  }
}

@Module({
  imports: [
    TracingModule.forRoot(),
    ScheduleModule.forRoot(),
    EventEmitterModule.forRoot({ wildcard: true }),
    // Field resolvers (`@ResolveField`) run the app's interceptors, the library's among them, only when asked.
    GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, fieldResolverEnhancers: ['interceptors'] }),
  ],
  controllers: [ItemsController, SignupsController],
  providers: [UsersResolver, Jobs, SignupListeners, PingGateway],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: new TracingConsoleLogger({ json: true }) });
app.useWebSocketAdapter(new WsAdapter(app));
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
listeningOn(url);
process.stdout.write(`listening ${url}\n`);
