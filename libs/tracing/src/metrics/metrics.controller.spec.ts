import { Controller, Get, type INestApplication, NotFoundException, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { TracingModule } from '../tracing.module.js';

@Controller('orders')
class OrdersController {
  @Get(':id')
  find(@Param('id') id: string) {
    if (id === 'missing') throw new NotFoundException();
    return { id };
  }
}

describe('GET /metrics', () => {
  let tracing: TestTracing;
  let app: INestApplication;
  beforeAll(async () => {
    tracing = setupTestTracing();
    const moduleRef = await Test.createTestingModule({ imports: [TracingModule.forRoot()], controllers: [OrdersController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const server = app.getHttpServer();
    await request(server).get('/orders/1').expect(200);
    await request(server).get('/orders/2').expect(200);
    await request(server).get('/orders/missing').expect(404);
    await request(server).get('/no/such/route').expect(404);
    await request(server).get('/health').expect(404);
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

  it('serves OpenMetrics with exemplars pointing at the sampled requests when asked', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').set('Accept', 'application/openmetrics-text; version=1.0.0').expect(200);
    expect(response.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(response.text.endsWith('# EOF\n')).toBe(true);
    const exemplars = [...response.text.matchAll(/route="\/orders\/:id",status_code="200"\} \d+ # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\}/g)];
    expect(exemplars.length).toBeGreaterThan(0);
    const traced = tracing.spans().filter((span) => span.name === 'GET /orders/:id').map((span) => span.spanContext().traceId);
    for (const [, traceId] of exemplars) expect(traced).toContain(traceId);
  });
});
