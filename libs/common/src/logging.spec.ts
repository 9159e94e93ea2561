import { Writable } from 'node:stream';
import { Controller, Get, type INestApplication, Logger as NestLogger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TracingModule } from 'nestjs-tracing';
import { traceLogFields } from 'nestjs-tracing/logging';
import { setupTestTracing, type TestTracing } from 'nestjs-tracing/testing';
import { Logger, LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import request from 'supertest';
import { ConfigError } from 'nestjs-tracing/config';
import { loggerParams } from './logging.js';

@Controller()
class SessionsController {
  private readonly logger = new NestLogger(SessionsController.name);

  @Get('sessions')
  open() {
    this.logger.log({ msg: 'session opened', user: { name: 'ann', password: 'hunter2', ssn: '078-05-1120' }, token: 'abc' });
    return { ok: true };
  }

  @Get('health')
  health() {
    return { ok: true };
  }
}

describe('loggerParams', () => {
  it('writes JSON outside development and pretty lines in it, at LOG_LEVEL', () => {
    const production = loggerParams({ NODE_ENV: 'production', LOG_LEVEL: 'warn' }).pinoHttp as Options;
    const development = loggerParams({}).pinoHttp as Options;
    expect(production).toMatchObject({ level: 'warn', transport: undefined });
    expect(development.transport).toMatchObject({ target: 'pino-pretty' });
    expect(() => loggerParams({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });

  it('with OTEL_LOGS_EXPORTER=otlp also sends every line through the OpenTelemetry transport, named as the spans are', () => {
    const production = loggerParams({ NODE_ENV: 'production', OTEL_LOGS_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'users-api' }).pinoHttp as Options;
    expect(production.transport).toEqual({
      targets: [
        { target: 'pino/file', level: 'info', options: { destination: 1 } },
        { target: 'pino-opentelemetry-transport', level: 'info', options: { loggerName: 'users-api', resourceAttributes: { 'service.name': 'users-api' } } },
      ],
    });
    const development = loggerParams({ OTEL_LOGS_EXPORTER: 'otlp', LOG_LEVEL: 'debug' }).pinoHttp as Options;
    expect(development.transport).toMatchObject({
      targets: [
        { target: 'pino-pretty', level: 'debug' },
        { target: 'pino-opentelemetry-transport', level: 'debug' },
      ],
    });
    expect(() => loggerParams({ OTEL_LOGS_EXPORTER: 'loki' })).toThrow('Invalid OTEL_LOGS_EXPORTER="loki": allowed values are otlp, console, none');
  });
});

describe('request logs', () => {
  let tracing: TestTracing;
  let app: INestApplication;
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      done();
    },
  });

  beforeAll(async () => {
    tracing = setupTestTracing();
    // The preload's pino instrumentation writes the trace ids on every line; a test without the preload has traceLogFields do it.
    const options = { ...(loggerParams({ NODE_ENV: 'production' }).pinoHttp as Options), mixin: traceLogFields };
    @Module({
      imports: [TracingModule.forRoot({ redactKeys: ['ssn'] }), LoggerModule.forRoot({ pinoHttp: [options, stream] })],
      controllers: [SessionsController],
    })
    class LoggedModule {}
    const moduleRef = await Test.createTestingModule({ imports: [LoggedModule] }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it("gives every line of a request its trace, one access line, and no secrets or headers, the module's redactKeys included", async () => {
    const response = await request(app.getHttpServer()).get('/sessions?x=1').set('Authorization', 'Bearer top-secret').set('Cookie', 'sid=s3cret').expect(200);
    await request(app.getHttpServer()).get('/health').expect(200);
    await request(app.getHttpServer()).get('/metrics').expect(200);
    const traceId = response.headers['x-trace-id'];
    const server = tracing.spans().find((span) => span.name === 'GET /sessions')!;

    const ofRequest = lines.filter((line) => line.trace_id === traceId);
    const access = ofRequest.find((line) => line.status_code !== undefined)!;
    const written = ofRequest.find((line) => line.msg === 'session opened')!;
    expect(access).toMatchObject({
      method: 'GET',
      route: '/sessions',
      path: '/sessions',
      status_code: 200,
      span_id: server.spanContext().spanId,
      trace_flags: '01',
    });
    expect(typeof access.duration_ms).toBe('number');
    expect(written).toMatchObject({
      span_id: server.spanContext().spanId,
      user: { name: 'ann', password: '[REDACTED]', ssn: '[REDACTED]' },
      token: '[REDACTED]',
    });
    expect(lines.filter((line) => line.status_code !== undefined)).toHaveLength(1);
    const everything = JSON.stringify(lines);
    for (const secret of ['top-secret', 's3cret', 'hunter2', '078-05-1120']) expect(everything).not.toContain(secret);
  });
});
