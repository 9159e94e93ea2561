import { Body, Controller, Get, type INestApplication, NotFoundException, Param, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { setTracingRuntime } from '../runtime/tracing-runtime.js';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { TracingModule } from '../tracing.module.js';

@Controller('orders')
class OrdersController {
  @Get(':id')
  find(@Param('id') id: string) {
    if (id === 'missing') throw new NotFoundException();
    return { id };
  }

  @Post()
  create(@Body() body: unknown) {
    return body;
  }
}

async function startApp(): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [TracingModule.forRoot()], controllers: [OrdersController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

async function postMalformedJson(app: INestApplication): Promise<void> {
  await request(app.getHttpServer()).post('/orders').set('content-type', 'application/json').send('{"id": ').expect(400);
}

describe('GET /metrics', () => {
  let tracing: TestTracing;
  let app: INestApplication;
  beforeAll(async () => {
    tracing = setupTestTracing();
    app = await startApp();
    const server = app.getHttpServer();
    await request(server).get('/orders/1').expect(200);
    await request(server).get('/orders/2').expect(200);
    await request(server).get('/orders/missing').expect(404);
    await request(server).get('/no/such/route').expect(404);
    await request(server).get('/health').expect(404);
    await request(server).post('/orders').send({ id: '3' }).expect(201);
    await postMalformedJson(app);
  });
  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it('serves Prometheus text by default: request durations by method, route template and status', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.text).toContain('http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200"} 2');
    expect(response.text).toContain('http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="404"} 1');
    expect(response.text).toContain('http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1');
    expect(response.text).not.toMatch(/route="\/(orders\/1|no\/such|health|metrics)/);
    expect(response.text).not.toContain('trace_id');
    expect(response.text).toContain('# TYPE traces_total counter');
  });

  it('counts a request that body parsing refused, before any route or Nest middleware ran', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.text).toContain('http_request_duration_seconds_count{method="POST",route="/orders",status_code="201"} 1');
    expect(response.text).toContain('http_request_duration_seconds_count{method="POST",route="unmatched",status_code="400"} 1');
    const refused = tracing.spans().filter((span) => span.attributes['http.response.status_code'] === 400);
    expect(refused.map((span) => span.name)).toEqual(['POST']);
  });

  it('serves OpenMetrics with exemplars pointing at the sampled requests when asked', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').set('Accept', 'application/openmetrics-text; version=1.0.0').expect(200);
    expect(response.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(response.text.endsWith('# EOF\n')).toBe(true);
    const exemplars = [...response.text.matchAll(/route="\/orders\/:id",status_code="200"\} \d+ # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\}/g)];
    expect(exemplars.length).toBeGreaterThan(0);
    const traced = tracing
      .spans()
      .filter((span) => span.name === 'GET /orders/:id')
      .map((span) => span.spanContext().traceId);
    for (const [, traceId] of exemplars) expect(traced).toContain(traceId);
  });
});

describe('GET /metrics with tracing off', () => {
  let app: INestApplication;
  beforeAll(async () => {
    setTracingRuntime(undefined);
    app = await startApp();
    await request(app.getHttpServer()).get('/orders/1').expect(200);
    await postMalformedJson(app);
  });
  afterAll(async () => {
    await app.close();
    setTracingRuntime(undefined);
  });

  it('still measures every request, without exemplars', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').set('Accept', 'application/openmetrics-text; version=1.0.0').expect(200);
    expect(response.text).toContain('http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200"} 1');
    expect(response.text).toContain('http_request_duration_seconds_count{method="POST",route="unmatched",status_code="400"} 1');
    expect(response.text).not.toContain('trace_id');
  });
});
