import { Test, TestingModule } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { App } from 'supertest/types.js';
import { setupTestTracing, type TestTracing } from 'nestjs-tracing/testing';
import { AppModule } from './../src/app.module.js';

describe('AppController (e2e)', () => {
  let app: INestApplication<App>;
  let tracing: TestTracing;

  beforeEach(async () => {
    tracing = setupTestTracing();
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication();
    await app.init();
  });

  it('/ (GET)', () => {
    return request(app.getHttpServer())
      .get('/')
      .expect(200)
      .expect('Hello World!');
  });

  it('traces /items/:id (GET) under its route, with the @Span method inside', async () => {
    const response = await request(app.getHttpServer()).get('/items/42').expect(200);
    expect(response.body).toEqual({ id: '42' });
    const server = tracing.spans().find((span) => span.name === 'GET /items/:id');
    expect(server?.attributes['http.route']).toBe('/items/:id');
    expect(response.headers['x-trace-id']).toBe(server?.spanContext().traceId);
    const method = tracing.spans().find((span) => span.name === 'AppService.findItem');
    expect(method?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
  });

  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
  });
});
