import { jest } from '@jest/globals';
import {
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  Catch,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  Get,
  Injectable,
  type INestApplication,
  Logger,
  Module,
  type NestInterceptor,
  NotFoundException,
  Param,
  ParseIntPipe,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GuardsContextCreator } from '@nestjs/core/guards/guards-context-creator.js';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { lastValueFrom, of } from 'rxjs';
import request from 'supertest';
import { TracingInterceptor } from './http/tracing.interceptor.js';
import { getTracingRuntime, setTracingRuntime, type TracingRuntime } from './runtime/tracing-runtime.js';
import { setupTestTracing, type TestTracing } from './testing/index.js';
import { TraceService } from './api/trace.service.js';
import { TRACING_REQUEST_OPTIONS, TRACING_RUNTIME } from './tracing.constants.js';
import type { TracingModuleOptions } from './tracing.interfaces.js';
import { TracingModule } from './tracing.module.js';
import { MetricsService } from './metrics/metrics.service.js';

@Controller()
class ProfileController {
  constructor(private readonly traces: TraceService) {}

  @Get('profile')
  profile() {
    this.traces.addSpanAttributes({ 'session.token': 'abc', 'user.ssn': '123-45', 'user.id': 7 });
    return { traceId: this.traces.getTraceId() ?? null };
  }
}

class RecordingProcessor implements SpanProcessor {
  readonly started: string[] = [];
  readonly ended: ReadableSpan[] = [];
  onStart(span: Span): void {
    span.setAttribute('tenant', 'acme');
    this.started.push(span.name);
  }
  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
  }
  forceFlush = () => Promise.resolve();
  shutdown = () => Promise.resolve();
}

@Injectable()
class TracingOptionsFromClass {
  createTracingOptions(): TracingModuleOptions {
    return { traceIdHeader: 'x-from-class' };
  }
}

async function appWith(imports: unknown[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[], controllers: [ProfileController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('TracingModule', () => {
  let tracing: TestTracing | undefined;
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('forRoot adopts the running SDK and adds custom processors and redaction keys', async () => {
    tracing = setupTestTracing();
    const processor = new RecordingProcessor();
    app = await appWith([TracingModule.forRoot({ spanProcessors: [processor], redactKeys: ['ssn'] })]);

    const response = await request(app.getHttpServer()).get('/profile').expect(200);

    expect(app.get(TRACING_RUNTIME)).toBe(tracing.runtime);
    expect(processor.started).toEqual(['GET']);
    expect(processor.ended).toHaveLength(1);
    const [server] = tracing.spans();
    expect(server.attributes).toMatchObject({ tenant: 'acme', 'session.token': '[REDACTED]', 'user.ssn': '[REDACTED]', 'user.id': 7 });
    expect(response.body.traceId).toBe(server.spanContext().traceId);
  });

  it('forRootAsync takes options from a factory with injected ConfigService', async () => {
    tracing = setupTestTracing();
    app = await appWith([
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ TRACE_HEADER: 'x-from-config' })] }),
      TracingModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ traceIdHeader: config.getOrThrow<string>('TRACE_HEADER') }),
      }),
    ]);
    const response = await request(app.getHttpServer()).get('/profile').expect(200);
    expect(response.headers['x-from-config']).toBe(response.body.traceId);
  });

  it('forRootAsync takes options from a class', async () => {
    tracing = setupTestTracing();
    app = await appWith([TracingModule.forRootAsync({ useClass: TracingOptionsFromClass })]);
    const response = await request(app.getHttpServer()).get('/profile').expect(200);
    expect(response.headers['x-from-class']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('with ENABLE_TRACING unset is a no-op that never throws', async () => {
    setTracingRuntime(undefined);
    app = await appWith([TracingModule.forRoot()]);
    const response = await request(app.getHttpServer()).get('/profile').expect(200);

    const runtime = app.get<TracingRuntime>(TRACING_RUNTIME);
    expect(runtime.enabled).toBe(false);
    expect(runtime.droppedSpans).toBe(0);
    expect(response.body).toEqual({ traceId: null });
    expect(response.headers['x-trace-id']).toBeUndefined();
    const traces = app.get(TraceService);
    expect(() => traces.withSpan('x', {}, () => traces.addSpanEvent('e'))).not.toThrow();
    await expect(runtime.shutdown()).resolves.toBeUndefined();
    setTracingRuntime(undefined);
  });

  it('without a preload starts the SDK itself and warns once naming modules already loaded', async () => {
    setTracingRuntime(undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    process.env.ENABLE_TRACING = 'true';
    process.env.TRACING_EXPORTER = 'none';
    try {
      app = await appWith([TracingModule.forRoot()]);
      const response = await request(app.getHttpServer()).get('/profile').expect(200);
      expect(response.headers['x-trace-id']).toBe(response.body.traceId);
      expect(app.get<TracingRuntime>(TRACING_RUNTIME).enabled).toBe(true);
      const warnings = warn.mock.calls.map(([message]) => String(message));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('not by the preload');
      expect(warnings[0]).toContain('Already loaded, so not traced: http');
    } finally {
      delete process.env.ENABLE_TRACING;
      delete process.env.TRACING_EXPORTER;
      warn.mockRestore();
      await app?.close();
      app = undefined;
    }
    // The module started the SDK, so closing its only app shut it down and withdrew it.
    expect(getTracingRuntime()).toBeUndefined();
  });

  it('keeps a runtime it started until the last app using it closes, then a new app starts afresh', async () => {
    setTracingRuntime(undefined);
    process.env.ENABLE_TRACING = 'true';
    process.env.TRACING_EXPORTER = 'none';
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const apps: INestApplication[] = [];
    try {
      apps.push(await appWith([TracingModule.forRoot()]), await appWith([TracingModule.forRoot()]));
      const shared = apps[0].get<TracingRuntime>(TRACING_RUNTIME);
      expect(apps[1].get(TRACING_RUNTIME)).toBe(shared);
      await apps.shift()!.close();
      expect(shared.isShutdown).toBe(false);
      const second = await request(apps[0].getHttpServer()).get('/profile').expect(200);
      expect(second.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
      await apps.shift()!.close();
      expect(shared.isShutdown).toBe(true);
      expect(getTracingRuntime()).toBeUndefined();

      apps.push(await appWith([TracingModule.forRoot()]));
      const fresh = apps[0].get<TracingRuntime>(TRACING_RUNTIME);
      expect(fresh).not.toBe(shared);
      const third = await request(apps[0].getHttpServer()).get('/profile').expect(200);
      expect(third.headers['x-trace-id']).toBe(third.body.traceId);
    } finally {
      delete process.env.ENABLE_TRACING;
      delete process.env.TRACING_EXPORTER;
      warn.mockRestore();
      for (const open of apps) await open.close();
    }
    expect(getTracingRuntime()).toBeUndefined();
  });

  it('gives two apps in one process their own spans, and closing one leaves the other tracing', async () => {
    tracing = setupTestTracing();
    const first = new RecordingProcessor();
    const second = new RecordingProcessor();
    const shutdown = jest.spyOn(first, 'shutdown');
    app = await appWith([TracingModule.forRoot({ spanProcessors: [first] })]);
    const other = await appWith([TracingModule.forRoot({ spanProcessors: [second] })]);
    try {
      const one = await request(app.getHttpServer()).get('/profile').expect(200);
      const two = await request(other.getHttpServer()).get('/profile').expect(200);
      expect(first.ended.map((span) => span.spanContext().traceId)).toEqual([one.body.traceId]);
      expect(second.ended.map((span) => span.spanContext().traceId)).toEqual([two.body.traceId]);

      await app.close();
      app = undefined;
      expect(shutdown).toHaveBeenCalledTimes(1);
      expect(tracing.runtime.isShutdown).toBe(false);
      const three = await request(other.getHttpServer()).get('/profile').expect(200);
      expect(three.headers['x-trace-id']).toBe(three.body.traceId);
      expect(second.ended).toHaveLength(2);
      expect(first.ended).toHaveLength(1);
      expect(tracing.spans()).toHaveLength(3);
    } finally {
      await other.close();
    }
  });

  it('follows the global prefix: health checks and scrapes under it are neither traced nor measured', async () => {
    tracing = setupTestTracing();
    @Controller('health')
    class HealthController {
      @Get()
      check() {
        return { status: 'ok' };
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [TracingModule.forRoot()],
      controllers: [ProfileController, HealthController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.setGlobalPrefix('api');
    await app.init();
    const server = app.getHttpServer();
    await request(server).get('/api/health').expect(200);
    const traced = await request(server).get('/api/profile').expect(200);
    const scrape = await request(server).get('/api/metrics').expect(200);

    expect(tracing.spans().map((span) => span.name)).toEqual(['GET /api/profile']);
    expect(traced.headers['x-trace-id']).toBe(traced.body.traceId);
    expect(scrape.text).toContain('http_request_duration_seconds_count{method="GET",route="/api/profile",status_code="200"} 1');
    expect(scrape.text).not.toContain('/api/health');
    expect(scrape.text).not.toContain('route="unmatched"');
  });

  it('serves metrics at the path asked for, or not at all', async () => {
    tracing = setupTestTracing();
    app = await appWith([TracingModule.forRoot({ metrics: { path: '/internal/prometheus', defaultMetrics: false } })]);
    await request(app.getHttpServer()).get('/profile').expect(200);
    const scrape = await request(app.getHttpServer()).get('/internal/prometheus').expect(200);
    expect(scrape.text).toContain('route="/profile"');
    expect(scrape.text).not.toContain('nodejs_');
    await request(app.getHttpServer()).get('/metrics').expect(404);
    await app.close();

    app = await appWith([TracingModule.forRoot({ metrics: false })]);
    await request(app.getHttpServer()).get('/metrics').expect(404);
    await request(app.getHttpServer()).get('/profile').expect(200);
    expect(tracing.spans().map((span) => span.name)).toEqual(['GET /profile', 'GET /profile']);
  });

  it('traces microservice handlers without an entry span in a span of their own, and WebSocket messages as the entries of traces', async () => {
    tracing = setupTestTracing();
    @Module({ imports: [TracingModule.forRoot()] })
    class RpcModule {}
    const moduleRef = await Test.createTestingModule({ imports: [RpcModule] }).compile();
    const interceptor = new TracingInterceptor(moduleRef.get(TRACING_RUNTIME), moduleRef.get(TRACING_REQUEST_OPTIONS));
    class OrdersHandler {
      handleCreated() {}
    }
    for (const type of ['rpc', 'ws'] as const) {
      const executionContext = new ExecutionContextHost([{ id: 1 }, {}, 'orders.created'], OrdersHandler, OrdersHandler.prototype.handleCreated);
      executionContext.setType(type);
      await expect(lastValueFrom(interceptor.intercept(executionContext, { handle: () => of('ack') }))).resolves.toBe('ack');
    }
    expect(tracing.spans().map((span) => [span.name, span.kind, span.attributes['code.function.name']])).toEqual([
      ['OrdersHandler.handleCreated', SpanKind.INTERNAL, 'OrdersHandler.handleCreated'],
      ['process orders.created', SpanKind.CONSUMER, 'OrdersHandler.handleCreated'],
    ]);
    await moduleRef.close();
  });
});

describe('TracingModule.forRoot({ enhancerSpans: true })', () => {
  const originalGetGuardInstance = GuardsContextCreator.prototype.getGuardInstance;
  @Injectable()
  class TenantGuard implements CanActivate {
    canActivate(): boolean {
      return true;
    }
  }

  @Injectable()
  class Timing implements NestInterceptor {
    intercept(_context: ExecutionContext, next: CallHandler) {
      return next.handle();
    }
  }

  @Catch(NotFoundException)
  class NotFoundFilter implements ExceptionFilter {
    catch(_exception: NotFoundException, host: ArgumentsHost) {
      host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>().status(404).json({ missing: true });
    }
  }

  @Controller('orders')
  @UseGuards(TenantGuard)
  @UseInterceptors(Timing)
  class OrdersController {
    @Get(':id')
    find(@Param('id', ParseIntPipe) id: number) {
      if (id === 404) throw new NotFoundException();
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

  let tracing: TestTracing;
  let app: INestApplication;
  const start = async (enhancerSpans: boolean) => {
    tracing = setupTestTracing();
    const moduleRef = await Test.createTestingModule({
      imports: [TracingModule.forRoot({ enhancerSpans })],
      controllers: [OrdersController, InvoicesController],
      providers: [{ provide: APP_FILTER, useClass: NotFoundFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  };
  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it('gives each guard, pipe, interceptor and filter a span on the request where it runs, and only there', async () => {
    await start(true);
    await request(app.getHttpServer()).get('/orders/7').expect(200, { id: 7 });
    const [server, ...others] = [...tracing.spans()].reverse();
    expect(server.name).toBe('GET /orders/:id');
    expect(others.map((span) => [span.name, span.attributes['code.function.name'], span.parentSpanContext?.spanId === server.spanContext().spanId])).toEqual(
      expect.arrayContaining([
        ['guard TenantGuard', 'TenantGuard.canActivate', true],
        ['interceptor Timing', 'Timing.intercept', true],
        ['pipe ParseIntPipe', 'ParseIntPipe.transform', expect.any(Boolean)],
      ]),
    );
    expect(others).toHaveLength(3);

    await request(app.getHttpServer()).get('/orders/404').expect(404, { missing: true });
    expect(tracing.spans().map((span) => span.name)).toContain('filter NotFoundFilter');
  });

  it('makes none when off, and leaves Nest as it was once the app is closed', async () => {
    await start(false);
    await request(app.getHttpServer()).get('/invoices').expect(200);
    expect(tracing.spans().map((span) => span.name)).toEqual(['GET /invoices']);
    expect(GuardsContextCreator.prototype.getGuardInstance).toBe(originalGetGuardInstance);
  });
});

describe('TracingModule.forRoot({ http }): the SERVER span hooks', () => {
  @Controller('orders')
  class OrdersController {
    @Get(':id')
    find(@Param('id') id: string) {
      return { id };
    }
  }

  let tracing: TestTracing;
  let app: INestApplication;
  const start = async (http: TracingModuleOptions['http']) => {
    tracing = setupTestTracing();
    const moduleRef = await Test.createTestingModule({ imports: [TracingModule.forRoot({ http })], controllers: [OrdersController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  };
  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it('calls each hook with the HTTP instrumentation’s meaning, and records the headers asked for, redacted', async () => {
    const seen: string[] = [];
    await start({
      ignoreIncomingRequestHook: (request) => request.headers['x-synthetic'] === 'probe',
      startIncomingSpanHook: (request) => ({ 'tenant.id': String(request.headers['x-tenant']) }),
      requestHook: (span, request) => {
        seen.push(`request ${request.url}`);
        span.setAttribute('request.hooked', true);
      },
      responseHook: (span, response) => {
        seen.push(`response ${response.statusCode}`);
        span.setAttribute('response.hooked', true);
      },
      headersToSpanAttributes: { server: { requestHeaders: ['X-Tenant', 'Authorization'], responseHeaders: ['x-trace-id'] } },
    });
    await request(app.getHttpServer()).get('/orders/7').set('x-tenant', 'acme').set('authorization', 'Bearer secret-token').expect(200);
    await request(app.getHttpServer()).get('/orders/8').set('x-synthetic', 'probe').expect(200);
    const [server] = tracing.spans();
    expect(tracing.spans()).toHaveLength(1);
    expect(seen).toEqual(['request /orders/7', 'response 200']);
    expect(server.attributes).toMatchObject({
      'tenant.id': 'acme',
      'request.hooked': true,
      'response.hooked': true,
      'http.request.header.x-tenant': ['acme'],
      'http.request.header.authorization': '[REDACTED]',
      'http.response.header.x-trace-id': [server.spanContext().traceId],
    });
  });

  it('never lets a hook that throws break the request, and logs its error once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await start({
        requestHook: () => {
          throw new Error('hook bug');
        },
        ignoreIncomingRequestHook: () => {
          throw new Error('filter bug');
        },
      });
      await request(app.getHttpServer()).get('/orders/1').expect(200, { id: '1' });
      await request(app.getHttpServer()).get('/orders/2').expect(200, { id: '2' });
      expect(tracing.spans()).toHaveLength(2);
      expect(warn.mock.calls.map(([message]) => message)).toEqual([
        'The ignoreIncomingRequestHook threw and was skipped (reported once): filter bug',
        'The requestHook threw and was skipped (reported once): hook bug',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('MetricsService: the app’s own metrics', () => {
  @Injectable()
  class AdminGuard implements CanActivate {
    canActivate(context: ExecutionContext): boolean {
      return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-admin'] === 'yes';
    }
  }

  @Controller()
  class ShopController {
    private readonly orders;
    private readonly payment;
    private readonly depth;

    constructor(private readonly metrics: MetricsService) {
      this.orders = metrics.counter('orders_placed_total', { help: 'Orders placed', labelNames: ['channel'] });
      this.payment = metrics.histogram('payment_duration_seconds', { help: 'Payment provider latency', buckets: [0.1, 1] });
      this.depth = metrics.gauge('checkout_queue_depth', { help: 'Checkouts waiting' });
    }

    @Get('orders')
    place() {
      this.orders.add(1, { channel: 'web' });
      this.payment.record(0.25);
      this.depth.set(3);
      return { placed: true };
    }

    /** The app serves the metrics itself, behind its guard. */
    @Get('internal/metrics')
    @UseGuards(AdminGuard)
    async scrape(@Req() request: { headers: Record<string, string | undefined> }, @Res() response: { type(value: string): { send(body: string): void } }) {
      const { contentType, body } = await this.metrics.scrape(request.headers.accept);
      response.type(contentType).send(body);
    }
  }

  let tracing: TestTracing;
  let app: INestApplication;
  const start = async (metrics: TracingModuleOptions['metrics']) => {
    tracing = setupTestTracing();
    const moduleRef = await Test.createTestingModule({ imports: [TracingModule.forRoot({ metrics })], controllers: [ShopController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  };
  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it('serves the app’s counters, histograms and gauges beside the library’s, with the request’s trace as exemplar', async () => {
    await start(true);
    const placed = await request(app.getHttpServer()).get('/orders').expect(200);
    const traceId = placed.headers['x-trace-id'];
    const openMetrics = (await request(app.getHttpServer()).get('/metrics').set('accept', 'application/openmetrics-text')).text;
    expect(openMetrics).toMatch(new RegExp(`orders_placed_total\\{channel="web"\\} 1 # \\{trace_id="${traceId}",span_id="[0-9a-f]{16}"\\} 1`));
    expect(openMetrics).toMatch(new RegExp(`payment_duration_seconds_bucket\\{le="1"\\} 1 # \\{trace_id="${traceId}"`));
    expect(openMetrics).toContain('checkout_queue_depth 3');
    expect(openMetrics).toContain('http_request_duration_seconds_count{method="GET",route="/orders",status_code="200"} 1');
    // Prometheus text has no exemplars.
    expect((await request(app.getHttpServer()).get('/metrics')).text).toContain('orders_placed_total{channel="web"} 1\n');
  });

  it('with path: false, leaves serving them to the app, behind its guards', async () => {
    await start({ path: false });
    await request(app.getHttpServer()).get('/orders').expect(200);
    await request(app.getHttpServer()).get('/metrics').expect(404);
    await request(app.getHttpServer()).get('/internal/metrics').expect(403);
    const scraped = await request(app.getHttpServer()).get('/internal/metrics').set('x-admin', 'yes').expect(200);
    expect(scraped.text).toContain('orders_placed_total{channel="web"} 1');
  });

  it('gives the same metric for the same name, refuses one name for two kinds, and records nothing with metrics off', async () => {
    await start(false);
    const metrics = app.get(MetricsService);
    expect(metrics.counter('jobs_total', { help: 'Jobs' })).toBe(metrics.counter('jobs_total', { help: 'Jobs' }));
    expect(() => metrics.gauge('jobs_total', { help: 'Jobs' })).toThrow('The metric jobs_total is a counter, not a gauge');
    expect(() => metrics.counter('jobs_total', { help: 'Jobs' }).add(1)).not.toThrow();
    await request(app.getHttpServer()).get('/orders').expect(200);
    await request(app.getHttpServer()).get('/metrics').expect(404);
  });
});
