import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { freePort } from '@app/test-support';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { TracingModule } from '../tracing.module.js';
import type { TracingMetricsOptions } from '../tracing.interfaces.js';

@Controller()
class PingController {
  @Get('ping')
  ping() {
    return 'pong';
  }
}

describe('metrics on a port of their own', () => {
  let tracing: TestTracing;
  let app: INestApplication | undefined;
  const start = async (metrics: TracingMetricsOptions) => {
    tracing = setupTestTracing();
    const moduleRef = await Test.createTestingModule({ imports: [TracingModule.forRoot({ metrics })], controllers: [PingController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  };
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await tracing.shutdown();
  });

  it('serves them at the path on that port only, and closes the port with the app', async () => {
    const port = await freePort();
    const started = await start({ port, host: '127.0.0.1', path: '/internal/metrics' });
    await request(started.getHttpServer()).get('/ping').expect(200);
    await request(started.getHttpServer()).get('/internal/metrics').expect(404);
    const scraped = await fetch(`http://127.0.0.1:${port}/internal/metrics`);
    expect(scraped.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await scraped.text()).toContain('http_request_duration_seconds_count{method="GET",route="/ping",status_code="200"} 1');
    expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/internal/metrics`, { method: 'POST' })).status).toBe(404);
    await started.close();
    app = undefined;
    await expect(fetch(`http://127.0.0.1:${port}/internal/metrics`)).rejects.toThrow();
  });

  it('stops startup naming the port when it is taken', async () => {
    const port = await freePort();
    const first = await start({ port, host: '127.0.0.1' });
    const moduleRef = await Test.createTestingModule({ imports: [TracingModule.forRoot({ metrics: { port, host: '127.0.0.1' } })] }).compile();
    const second = moduleRef.createNestApplication({ logger: false });
    await expect(second.init()).rejects.toThrow(`metrics.port ${port}: cannot listen (EADDRINUSE)`);
    await second.close();
    expect(first).toBeDefined();
  });
});
