import { Readable } from 'node:stream';
import {
  Body,
  type CanActivate,
  Controller,
  Get,
  Injectable,
  type INestApplication,
  NotFoundException,
  Param,
  Post,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { of, type Observable } from 'rxjs';
import request from 'supertest';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import type { TracingModuleOptions } from '../tracing.interfaces.js';
import { TracingModule } from '../tracing.module.js';

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller()
class HealthController {
  @Get('health')
  health() {
    return { status: 'ok' };
  }
}

@Controller('users')
class UsersController {
  @Get('boom')
  boom(): never {
    throw new Error('database exploded');
  }

  @Get('stream')
  stream(): StreamableFile {
    return new StreamableFile(Readable.from(['a', 'b', 'c']));
  }

  @Get('observable')
  observable(): Observable<string[]> {
    return of(['x', 'y']);
  }

  @Get('guarded/:id')
  @UseGuards(DenyGuard)
  guarded() {
    return 'never';
  }

  @Post()
  create(@Body() body: unknown) {
    return body;
  }

  @Get(':id')
  async findOne(@Param('id') id: string) {
    if (id === '404') throw new NotFoundException(`user ${id} not found`);
    return { id };
  }
}

async function createApp(options: TracingModuleOptions = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [TracingModule.forRoot(options)],
    controllers: [UsersController, HealthController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('request spans (interceptor and server span)', () => {
  let tracing: TestTracing;
  let app: INestApplication;

  beforeEach(async () => {
    tracing = setupTestTracing();
    app = await createApp();
  });
  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
  });

  const byKind = (kind: SpanKind) => tracing.spans().filter((span) => span.kind === kind);
  const only = (spans: ReadableSpan[]) => {
    expect(spans).toHaveLength(1);
    return spans[0];
  };

  it('makes one SERVER span named by route template, carrying the handler name', async () => {
    const response = await request(app.getHttpServer()).get('/users/42?token=abc').expect(200);

    const server = only(tracing.spans());
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.name).toBe('GET /users/:id');
    expect(server.attributes).toMatchObject({
      'http.route': '/users/:id',
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.query': 'token=[REDACTED]',
      'url.path': '/users/42',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'network.protocol.version': '1.1',
      'code.function.name': 'UsersController.findOne',
    });
    expect(server.attributes['client.address']).toMatch(/127\.0\.0\.1/);
    expect(response.headers['x-trace-id']).toBe(server.spanContext().traceId);
  });

  it('continues the caller trace from traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(app.getHttpServer()).get('/users/1').set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`).expect(200);
    const server = only(byKind(SpanKind.SERVER));
    expect(server.spanContext().traceId).toBe(traceId);
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('marks a 5xx ERROR with error.type and the handler exception on the server span', async () => {
    await request(app.getHttpServer()).get('/users/boom').expect(500);
    const server = only(tracing.spans());
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes['error.type']).toBe('500');
    expect(server.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'Error', 'exception.message': 'database exploded' } });
    expect(server.events[0].attributes?.['exception.stacktrace']).toContain('UsersController.boom');
  });

  it('leaves a 4xx unset: the exception is recorded but is not an error of the server', async () => {
    await request(app.getHttpServer()).get('/users/404').expect(404);
    const server = only(tracing.spans());
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(server.attributes['error.type']).toBeUndefined();
    expect(server.events[0].attributes?.['exception.type']).toBe('NotFoundException');
  });

  it('names requests a guard stopped before the handler', async () => {
    await request(app.getHttpServer()).get('/users/guarded/9').expect(403);
    const server = only(byKind(SpanKind.SERVER));
    expect(server.name).toBe('GET /users/guarded/:id');
    expect(tracing.spans()).toHaveLength(1);
  });

  it('traces a request the body parser refuses before any Nest middleware runs', async () => {
    const response = await request(app.getHttpServer()).post('/users').set('content-type', 'application/json').send('{"email": broken').expect(400);
    const server = only(byKind(SpanKind.SERVER));
    expect(server.attributes['http.response.status_code']).toBe(400);
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(response.headers['x-trace-id']).toBe(server.spanContext().traceId);
  });

  it('does not trace health checks or OPTIONS', async () => {
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    await request(app.getHttpServer()).options('/users/1');
    expect(health.headers['x-trace-id']).toBeUndefined();
    expect(tracing.spans()).toEqual([]);
  });

  it('handles Observable and streamed responses, ending their spans', async () => {
    await request(app.getHttpServer()).get('/users/observable').expect(200, ['x', 'y']);
    const streamed = await request(app.getHttpServer())
      .get('/users/stream')
      .buffer(true)
      .parse((res, done) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => done(null, body));
      });
    expect(streamed.body).toBe('abc');
    expect(
      tracing
        .spans()
        .map((span) => [span.name, span.attributes['code.function.name']])
        .sort(),
    ).toEqual([
      ['GET /users/observable', 'UsersController.observable'],
      ['GET /users/stream', 'UsersController.stream'],
    ]);
  });
});

describe('request spans with module options', () => {
  let tracing: TestTracing;
  let app: INestApplication | undefined;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(async () => {
    await app?.close();
    await tracing.shutdown();
  });

  it('uses the configured trace-id header, or none', async () => {
    app = await createApp({ traceIdHeader: 'x-request-trace' });
    const named = await request(app.getHttpServer()).get('/users/1');
    expect(named.headers['x-request-trace']).toMatch(/^[0-9a-f]{32}$/);
    expect(named.headers['x-trace-id']).toBeUndefined();
    await app.close();

    app = await createApp({ traceIdHeader: false });
    const none = await request(app.getHttpServer()).get('/users/1');
    expect(none.headers['x-trace-id']).toBeUndefined();
  });

  it('ignores the configured paths instead of the defaults', async () => {
    app = await createApp({ ignorePaths: [/^\/users\/\d+$/] });
    await request(app.getHttpServer()).get('/users/5').expect(200);
    await request(app.getHttpServer()).get('/health').expect(200);
    expect(tracing.spans().map((span) => span.name)).toEqual(['GET /health']);
  });

  it('adds a handler span under the SERVER span with httpHandlerSpans, which then holds the exception', async () => {
    app = await createApp({ httpHandlerSpans: true });
    await request(app.getHttpServer()).get('/users/42').expect(200);
    await request(app.getHttpServer()).get('/users/boom').expect(500);
    const [found, foundServer, boom, boomServer] = tracing.spans();
    expect(found).toMatchObject({ name: 'UsersController.findOne', kind: SpanKind.INTERNAL });
    expect(found.attributes['code.function.name']).toBe('UsersController.findOne');
    expect(found.parentSpanContext?.spanId).toBe(foundServer.spanContext().spanId);
    expect(foundServer).toMatchObject({ name: 'GET /users/:id', kind: SpanKind.SERVER });
    expect(boom.events[0].attributes?.['exception.message']).toBe('database exploded');
    expect(boomServer.events).toEqual([]);
    expect(boomServer.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('gives no header for an unsampled request', async () => {
    await tracing.shutdown();
    tracing = setupTestTracing({ sampleRate: 0 });
    app = await createApp();
    const response = await request(app.getHttpServer()).get('/users/1').expect(200);
    expect(response.headers['x-trace-id']).toBeUndefined();
    expect(tracing.spans()).toEqual([]);
  });
});
