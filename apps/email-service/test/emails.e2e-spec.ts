import { resolve } from 'node:path';
import { ClientTCP } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { type PreloadedProcess, spawnWithPreload, startWithPreload, TraceReceiver } from '@app/test-support';

const EMAIL_SERVICE = resolve('dist/apps/email-service/main.js');
const message = { to: 'reader@example.com', subject: 'Hello', body: 'Hi there' };

function env(receiver: TraceReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: 'test', PORT: '0', EMAIL_TCP_PORT: '0', ...receiver.exportEnv(), ...extra };
}

describe('email-service', () => {
  let receiver: TraceReceiver;
  let service: PreloadedProcess | undefined;
  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await receiver.close();
  });

  it('delivers once per idempotency key and lists what it delivered', async () => {
    service = await startWithPreload(EMAIL_SERVICE, env(receiver));
    const first = await request(service.url).post('/emails').set('Idempotency-Key', 'k-1').send(message).expect(201);
    const retry = await request(service.url).post('/emails').set('Idempotency-Key', 'k-1').send(message).expect(200);
    await request(service.url).post('/emails').send(message).expect(201);

    expect(retry.body).toEqual(first.body);
    expect(first.body).toMatchObject({ ...message, idempotencyKey: 'k-1', id: expect.any(String) });
    const { body: delivered } = await request(service.url).get('/emails').expect(200);
    expect(delivered).toHaveLength(2);
    const server = await receiver.waitForSpan((span) => span.traceId === first.headers['x-trace-id'] && span.name === 'POST /emails');
    expect(server.resource['service.name']).toBe('email-service');
    await request(service.url).get('/health').expect(200, { status: 'ok' });
  });

  it('remembers idempotency keys within IDEMPOTENCY_MEMORY_MB and IDEMPOTENCY_TTL_SECONDS, forgetting the oldest first', async () => {
    service = await startWithPreload(EMAIL_SERVICE, env(receiver, { ENABLE_TRACING: 'false', IDEMPOTENCY_MEMORY_MB: '1', IDEMPOTENCY_TTL_SECONDS: '2' }));
    // About 8.5 KB a remembered delivery: 1 MiB holds some 120 of them.
    const large = { ...message, body: 'x'.repeat(4_000) };
    const send = (key: string) => request(service!.url).post('/emails').set('Idempotency-Key', key).send(large);
    for (let index = 0; index < 300; index++) await send(`key-${index}`).expect(201);
    await send('key-299').expect(200);
    await send('key-200').expect(200);
    await send('key-0').expect(201);
    await send('key-150').expect(201);

    await new Promise((done) => setTimeout(done, 2_100));
    await send('key-299').expect(201);
  });

  it("takes deliveries over Nest's TCP transport with the same idempotency, and says why it refuses a message", async () => {
    service = await startWithPreload(EMAIL_SERVICE, env(receiver));
    const port = Number(/messages on tcp:\/\/[^:]+:(\d+)/.exec(service.output())![1]);
    const client = new ClientTCP({ host: '127.0.0.1', port });
    const send = (payload: unknown) => firstValueFrom(client.send('email.send', payload));
    try {
      const first = (await send({ email: message, idempotencyKey: 'tcp-1' })) as { id: string; duplicate: boolean };
      expect(first).toEqual({ id: expect.any(String), duplicate: false });
      await expect(send({ email: message, idempotencyKey: 'tcp-1' })).resolves.toEqual({ id: first.id, duplicate: true });
      const refused = (await send({ email: { ...message, to: 'nobody' }, idempotencyKey: 'k' }).catch((error: unknown) => error)) as {
        statusCode: number;
        details: { fields: object };
      };
      expect(refused).toMatchObject({ status: 'error', statusCode: 400, message: 'Validation failed' });
      expect(Object.keys(refused.details.fields)).toEqual(['email.to']);
      await expect(send({ email: message, idempotencyKey: 'x'.repeat(256) })).rejects.toMatchObject({ statusCode: 400 });
      await expect(send([1, 2])).rejects.toMatchObject({ statusCode: 400, message: 'body must be a JSON object' });
    } finally {
      await client.close();
    }
    const { body: delivered } = await request(service.url).get('/emails').expect(200);
    expect(delivered).toEqual([expect.objectContaining({ id: expect.any(String), idempotencyKey: 'tcp-1' })]);
  });

  it('answers 400 naming the invalid and unknown fields', async () => {
    service = await startWithPreload(EMAIL_SERVICE, env(receiver));
    const response = await request(service.url).post('/emails').send({ to: 'not-an-address', subject: '', cc: 'x' }).expect(400);
    expect(Object.keys(response.body.fields).sort()).toEqual(['body', 'cc', 'subject', 'to']);
  });

  it('fails deliveries at EMAIL_FAILURE_RATE with 503, an ERROR span, and no delivery', async () => {
    service = await startWithPreload(EMAIL_SERVICE, env(receiver, { EMAIL_FAILURE_RATE: '1', EMAIL_LATENCY_MS: '20' }));
    const response = await request(service.url).post('/emails').set('Idempotency-Key', 'k-2').send(message).expect(503);
    const server = await receiver.waitForSpan((span) => span.traceId === response.headers['x-trace-id'] && span.kind === 2);
    expect(server.status.code).toBe(2);
    expect(server.attributes['error.type']).toBe('503');
    await request(service.url).get('/emails').expect(200, []);
  });

  it('refuses a bad EMAIL_FAILURE_RATE before listening, with one line', async () => {
    const run = spawnWithPreload(EMAIL_SERVICE, env(receiver, { EMAIL_FAILURE_RATE: '2' }));
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toBe('[email-service] Invalid EMAIL_FAILURE_RATE="2": expected a number from 0 to 1, e.g. 0.1');
  });
});
