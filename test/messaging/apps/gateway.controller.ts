import { Body, Controller, Get, HttpCode, HttpException, Inject, type OnModuleInit, Optional, Post, Query } from '@nestjs/common';
import type { ClientKafka, ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom } from 'rxjs';

/** The patterns a gateway sends, each prefixed with its worker's prefix. */
export const REPLY_PATTERNS = ['sum', 'echo', 'fail', 'carrier'];

export const MAIN_CLIENT = 'main';
export const PEER_CLIENT = 'peer';

/**
 * An HTTP gateway in front of a message transport: `?to=peer` sends to the second worker (the
 * uninstrumented one) instead of the first. Failures of the worker answer 502.
 */
@Controller()
export class GatewayController implements OnModuleInit {
  constructor(
    @Inject(MAIN_CLIENT) private readonly main: ClientProxy,
    @Optional() @Inject(PEER_CLIENT) private readonly peer?: ClientProxy,
  ) {}

  /** Kafka clients subscribe to each reply topic before they connect. */
  async onModuleInit(): Promise<void> {
    for (const [client, prefix] of this.clients()) {
      if ('subscribeToResponseOf' in client) {
        for (const pattern of REPLY_PATTERNS) (client as ClientKafka).subscribeToResponseOf(`${prefix}${pattern}`);
      }
      await client.connect();
    }
  }

  @Get('sum')
  sum(@Query('a') a: string, @Query('b') b: string, @Query('to') to?: string): Promise<unknown> {
    const [client, prefix] = this.route(to);
    return firstValueFrom(client.send(`${prefix}sum`, { a: Number(a), b: Number(b) }));
  }

  @Post('echo')
  echo(@Body() body: unknown, @Query('to') to?: string): Promise<unknown> {
    const [client, prefix] = this.route(to);
    return firstValueFrom(client.send(`${prefix}echo`, body));
  }

  @Get('carrier')
  carrier(): Promise<unknown> {
    const [client, prefix] = this.route();
    return firstValueFrom(client.send(`${prefix}carrier`, {}));
  }

  @Get('fail')
  async fail(@Query('to') to?: string): Promise<never> {
    const [client, prefix] = this.route(to);
    try {
      await firstValueFrom(client.send(`${prefix}fail`, { reason: 'no' }));
    } catch (error) {
      throw new HttpException({ error: (error as { message?: string }).message }, 502);
    }
    throw new HttpException({ error: 'the worker did not fail' }, 500);
  }

  @Post('events')
  @HttpCode(202)
  async created(@Body() body: unknown, @Query('to') to?: string): Promise<object> {
    const [client, prefix] = this.route(to);
    await lastValueFrom(client.emit(`${prefix}user.created`, body), { defaultValue: undefined });
    return {};
  }

  @Post('rejections')
  @HttpCode(202)
  async rejected(@Body() body: unknown): Promise<object> {
    const [client, prefix] = this.route();
    await lastValueFrom(client.emit(`${prefix}user.rejected`, body), { defaultValue: undefined });
    return {};
  }

  private clients(): [ClientProxy, string][] {
    return [
      [this.main, process.env.MAIN_PATTERN_PREFIX ?? ''],
      ...(this.peer ? [[this.peer, process.env.PEER_PATTERN_PREFIX ?? ''] as [ClientProxy, string]] : []),
    ];
  }

  private route(to?: string): [ClientProxy, string] {
    const clients = this.clients();
    return to === 'peer' ? clients[1] : clients[0];
  }
}
