import 'reflect-metadata';
import { type CanActivate, Controller, type ExecutionContext, Get, Injectable, type INestApplication, Module, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { Cron, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { diag, DiagLogLevel, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { interval, Observable, of, throwError } from 'rxjs';
import request from 'supertest';
import { TracingRuntime, setTracingRuntime } from '../runtime/tracing-runtime.js';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { loadTracingConfig } from '../config/index.js';
import { Span } from './span.decorator.js';

const ROLES = 'roles';
const Roles = (...roles: string[]) => SetMetadata(ROLES, roles);

class Orders {
  readonly prefix = 'order';

  @Span()
  describe(id: number, suffix: string): string {
    return `${this.prefix}-${id}${suffix}`;
  }

  @Span('orders.load', { attributes: { 'orders.source': 'db' }, kind: SpanKind.CLIENT })
  async load(id: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    return this.inner(id);
  }

  @Span()
  inner(id: number): number {
    return id * 2;
  }

  @Span()
  thenable(): PromiseLike<string> {
    return { then: (resolve) => Promise.resolve('done').then(resolve) } as PromiseLike<string>;
  }

  @Span()
  fail(error: Error): never {
    throw error;
  }

  @Span()
  async failLater(error: Error): Promise<never> {
    throw error;
  }

  @Span()
  stream(): Observable<number> {
    return of(1, 2, 3);
  }

  @Span()
  streamError(error: Error): Observable<never> {
    return throwError(() => error);
  }

  @Span()
  ticks(): Observable<number> {
    return interval(5);
  }
}

@Span()
class Billing {
  charge(): string {
    return 'charged';
  }

  @Span('billing.custom')
  refund(): string {
    return 'refunded';
  }

  static ignored(): string {
    return 'static';
  }
}

@Span({ prefix: 'ledger', attributes: { 'ledger.kind': 'cash' } })
class Ledger {
  post(): string {
    return 'posted';
  }
}

describe('@Span', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  const names = () => tracing.spans().map((span) => span.name);
  const span = (name: string) => tracing.spans().find((candidate) => candidate.name === name)!;

  it('wraps a sync method keeping this, arguments, name and length', () => {
    const orders = new Orders();
    expect(orders.describe(7, '!')).toBe('order-7!');
    expect(Orders.prototype.describe.name).toBe('describe');
    expect(Orders.prototype.describe.length).toBe(2);
    expect(names()).toEqual(['Orders.describe']);
    expect(span('Orders.describe').kind).toBe(SpanKind.INTERNAL);
  });

  it('wraps an async method: the span is active in the body and ends on settle', async () => {
    expect(await new Orders().load(4)).toBe(8);
    const load = span('orders.load');
    expect(load.kind).toBe(SpanKind.CLIENT);
    expect(load.attributes).toEqual({ 'orders.source': 'db' });
    expect(span('Orders.inner').parentSpanContext?.spanId).toBe(load.spanContext().spanId);
    expect(names()).toEqual(['Orders.inner', 'orders.load']);
  });

  it('waits for any thenable', async () => {
    expect(await new Orders().thenable()).toBe('done');
    expect(names()).toEqual(['Orders.thenable']);
  });

  it('records the error, sets ERROR and rethrows the same object, sync and async', async () => {
    const error = new Error('declined');
    expect(() => new Orders().fail(error)).toThrow(error);
    await expect(new Orders().failLater(error)).rejects.toBe(error);
    for (const name of ['Orders.fail', 'Orders.failLater']) {
      expect(span(name).status).toEqual({ code: SpanStatusCode.ERROR, message: 'declined' });
      expect(span(name).events[0].attributes?.['exception.stacktrace']).toContain('declined');
    }
  });

  it('ends an Observable span exactly once on complete, error or unsubscribe', async () => {
    const endedTwice: string[] = [];
    const record = (message: string) => endedTwice.push(message);
    diag.setLogger({ error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
    const values: number[] = [];
    new Orders().stream().subscribe((value) => values.push(value));
    const error = new Error('stream broke');
    let received: unknown;
    new Orders().streamError(error).subscribe({ error: (caught) => (received = caught) });
    const subscription = new Orders().ticks().subscribe();
    expect(names()).not.toContain('Orders.ticks');
    await new Promise((resolve) => setTimeout(resolve, 20));
    subscription.unsubscribe();
    subscription.unsubscribe();

    expect(values).toEqual([1, 2, 3]);
    expect(received).toBe(error);
    expect(span('Orders.streamError').status.code).toBe(SpanStatusCode.ERROR);
    expect(names().sort()).toEqual(['Orders.stream', 'Orders.streamError', 'Orders.ticks']);
    diag.disable();
    expect(endedTwice).toEqual([]);
  });

  it('on a class spans every prototype method, not the constructor, and keeps method-level names', () => {
    const billing = new Billing();
    expect(billing.charge()).toBe('charged');
    expect(billing.refund()).toBe('refunded');
    expect(Billing.ignored()).toBe('static');
    expect(names()).toEqual(['Billing.charge', 'billing.custom']);
  });

  it('on a class takes a prefix and options for every method, and refuses a span name', () => {
    expect(new Ledger().post()).toBe('posted');
    expect(tracing.spans().map((span) => [span.name, span.attributes])).toEqual([['ledger.post', { 'ledger.kind': 'cash' }]]);
    const named = Span as unknown as (name: string) => ClassDecorator;
    expect(() => named('Audit')(class Audit {})).toThrow("@Span('Audit') names one span; on a class use @Span({ prefix: 'Audit' })");
    const withOptions = Span as unknown as (options: object) => MethodDecorator;
    const descriptor = { value: () => undefined };
    expect(() => withOptions({})({}, 'method', descriptor)).toThrow('@Span({ ... }) is for a class');
  });

  it('is a no-op when tracing is off', () => {
    setTracingRuntime(TracingRuntime.disabled(loadTracingConfig({}), 'test'));
    expect(new Orders().describe(1, '')).toBe('order-1');
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(names()).toEqual([]);
  });
});

describe('@Span composed with Nest decorators', () => {
  let tracing: TestTracing;
  let app: INestApplication;
  const handled: string[] = [];

  @Injectable()
  class RolesGuard implements CanActivate {
    constructor(private readonly reflector: Reflector) {}

    canActivate(context: ExecutionContext): boolean {
      const roles = this.reflector.get<string[] | undefined>(ROLES, context.getHandler());
      if (!roles) return true;
      return roles.includes(context.switchToHttp().getRequest().headers['x-role']);
    }
  }

  @Controller('admin')
  @UseGuards(RolesGuard)
  class AdminController {
    @Span()
    @Roles('admin')
    @Get('span-outside')
    outside(): string {
      return 'outside';
    }

    @Get('span-inside')
    @Roles('admin')
    @Span()
    inside(): string {
      return 'inside';
    }
  }

  @Injectable()
  class Listeners {
    @Span()
    @OnEvent('user.created')
    outside(name: string): void {
      handled.push(`outside:${name}`);
    }

    @OnEvent('user.created')
    @Span()
    inside(name: string): void {
      handled.push(`inside:${name}`);
    }

    @Span()
    @Cron('0 0 1 1 *', { name: 'span-outside' })
    nightlyOutside(): void {}

    @Cron('0 0 1 1 *', { name: 'span-inside' })
    @Span()
    nightlyInside(): void {}
  }

  @Module({
    imports: [EventEmitterModule.forRoot(), ScheduleModule.forRoot()],
    controllers: [AdminController],
    providers: [Listeners],
  })
  class ComposedModule {}

  beforeAll(async () => {
    tracing = setupTestTracing();
    const moduleRef = await Test.createTestingModule({ imports: [ComposedModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it.each(['span-outside', 'span-inside'])('keeps @Get and role metadata (%s): the guard still refuses', async (path) => {
    await request(app.getHttpServer()).get(`/admin/${path}`).expect(403);
    await request(app.getHttpServer()).get(`/admin/${path}`).set('x-role', 'admin').expect(200);
  });

  it('keeps @OnEvent in either order: both listeners run, in spans', async () => {
    await app.get(EventEmitter2).emitAsync('user.created', 'ann');
    expect(handled.sort()).toEqual(['inside:ann', 'outside:ann']);
    expect(tracing.spans().map((span) => span.name)).toEqual(expect.arrayContaining(['Listeners.outside', 'Listeners.inside']));
  });

  it('keeps @Cron in either order: the scheduler registered both jobs', () => {
    const registry = app.get(SchedulerRegistry);
    expect(registry.getCronJob('span-outside')).toBeDefined();
    expect(registry.getCronJob('span-inside')).toBeDefined();
  });
});
