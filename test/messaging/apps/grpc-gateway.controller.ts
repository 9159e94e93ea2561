import { Body, Controller, Get, HttpException, Inject, type OnModuleInit, Optional, Post, Query } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, type Observable } from 'rxjs';
import { MAIN_CLIENT, PEER_CLIENT } from './gateway.controller.js';

interface MathService {
  sum(request: { a: number; b: number }): Observable<{ sum: number }>;
  fail(request: { reason: string }): Observable<{ sum: number }>;
  echo(request: unknown): Observable<unknown>;
}

/** The gateway's routes over gRPC (no events: gRPC has none). */
@Controller()
export class GrpcGatewayController implements OnModuleInit {
  private services: MathService[] = [];

  constructor(
    @Inject(MAIN_CLIENT) private readonly main: ClientGrpc,
    @Optional() @Inject(PEER_CLIENT) private readonly peer?: ClientGrpc,
  ) {}

  onModuleInit(): void {
    this.services = [this.main, ...(this.peer ? [this.peer] : [])].map((client) => client.getService<MathService>('MathService'));
  }

  @Get('sum')
  sum(@Query('a') a: string, @Query('b') b: string, @Query('to') to?: string): Promise<unknown> {
    return firstValueFrom(this.route(to).sum({ a: Number(a), b: Number(b) }));
  }

  @Post('echo')
  echo(@Body() body: unknown, @Query('to') to?: string): Promise<unknown> {
    return firstValueFrom(this.route(to).echo(body));
  }

  @Get('fail')
  async fail(@Query('to') to?: string): Promise<never> {
    try {
      await firstValueFrom(this.route(to).fail({ reason: 'no' }));
    } catch (error) {
      throw new HttpException({ error: (error as { details?: string }).details }, 502);
    }
    throw new HttpException({ error: 'the worker did not fail' }, 500);
  }

  private route(to?: string): MathService {
    return to === 'peer' ? this.services[1] : this.services[0];
  }
}
