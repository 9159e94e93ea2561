import request from 'supertest';
import { type DecodedSpan, type PreloadedProcess, TraceReceiver, waitUntil } from '@app/test-support';
import { createDatabase, type EmailServiceProcess, REDIS_URL, startEmailService, startUsersApi, tracingEnv } from './support/sample-system.js';

const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4 };
const PASSWORD = 'correct horse battery staple';
const TOKEN = 'Bearer e2e-secret-token-7f3a';

/**
 * users-api and email-service as real processes on real PostgreSQL and Redis, traced over OTLP, the
 * outbox delivering over Nest's TCP transport as `npm start` runs it.
 */
describe('users-api with email-service', () => {
  let receiver: TraceReceiver;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let emailService: EmailServiceProcess;
  let usersApi: PreloadedProcess;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    database = await createDatabase();
    emailService = await startEmailService(tracingEnv(receiver));
    usersApi = await startUsersApi(
      tracingEnv(receiver, { DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: emailService.messagesUrl, OUTBOX_CLEANUP_MS: '300' }),
    );
  }, 90_000);

  afterAll(async () => {
    await usersApi?.stop();
    await emailService?.stop();
    await database?.drop();
    await receiver?.close();
  });

  const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const named = (traceId: string, name: string) => receiver.waitForSpan((span) => span.traceId === traceId && span.name === name);
  const childrenOf = (parent: DecodedSpan) => receiver.spans.filter((span) => span.parentSpanId === parent.spanId);
  const signup = (email: string) => request(usersApi.url).post('/users').set('Authorization', TOKEN).send({ email, name: 'Ada Lovelace', password: PASSWORD });

  it('traces POST /users from the request to the email delivery, in one trace across both services', async () => {
    const response = await signup('  Ada@Example.COM ').expect(201);
    expect(response.body).toEqual({ id: expect.any(String), email: 'ada@example.com', name: 'Ada Lovelace', createdAt: expect.any(String) });
    const traceId = response.headers['x-trace-id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const delivery = await receiver.waitForSpan(
      (span) => span.traceId === traceId && span.kind === KIND.SERVER && span.resource['service.name'] === 'email-service',
    );
    const server = await named(traceId, 'POST /users');
    const service = await named(traceId, 'UsersService.create');
    const flow = await named(traceId, 'user.signup');
    const repository = await named(traceId, 'UsersRepository.createWithOutbox');
    const dispatch = await named(traceId, 'outbox.dispatch welcome_email');
    const send = await named(traceId, 'send email.send');

    expect(server).toMatchObject({
      kind: KIND.SERVER,
      parentSpanId: '',
      attributes: { 'code.function.name': 'UsersController.create' },
      resource: { 'service.name': 'users-api' },
    });
    expect(inTrace(traceId).filter((span) => span.kind === KIND.SERVER && span.resource['service.name'] === 'users-api')).toHaveLength(1);
    expect(service.parentSpanId).toBe(server.spanId);
    expect(flow.parentSpanId).toBe(service.spanId);
    expect(flow.events.map((event) => event.name)).toEqual(['signup.password_hashed', 'signup.user_created']);
    // The signup wakes the outbox through an event, whose listener has a span of its own.
    const wake = await named(traceId, 'event user.created');
    expect(wake).toMatchObject({ kind: KIND.INTERNAL, parentSpanId: flow.spanId, attributes: { 'code.function.name': 'OutboxDispatcher.wake' } });
    expect(repository).toMatchObject({ parentSpanId: flow.spanId, attributes: { 'db.operation.name': 'INSERT', 'db.collection.name': 'users' } });

    const queries = childrenOf(repository).filter((span) => span.attributes['db.system.name'] === 'postgresql' && span.kind === KIND.CLIENT);
    const inserts = queries.filter((span) => String(span.attributes['db.query.text']).startsWith('INSERT'));
    expect(inserts.map((span) => span.attributes['db.query.text'])).toEqual([
      expect.stringContaining('INSERT INTO "users"'),
      expect.stringContaining('INSERT INTO "outbox_messages"'),
    ]);
    for (const insert of inserts) expect(insert.attributes['db.query.text']).toContain('$1');
    expect(inTrace(traceId).filter((span) => span.name.includes('connect'))).toEqual([]);

    const cacheWrite = await receiver.waitForSpan((span) => span.traceId === traceId && span.scope.includes('ioredis'));
    expect(cacheWrite).toMatchObject({ kind: KIND.CLIENT, parentSpanId: flow.spanId, attributes: { 'db.system.name': 'redis' } });

    expect(dispatch).toMatchObject({ kind: KIND.PRODUCER, parentSpanId: flow.spanId });
    expect(send).toMatchObject({
      kind: KIND.CLIENT,
      parentSpanId: dispatch.spanId,
      attributes: { 'messaging.system': 'tcp', 'messaging.destination.name': 'email.send', 'server.port': Number(new URL(emailService.messagesUrl).port) },
    });
    expect(delivery).toMatchObject({
      name: 'process email.send',
      parentSpanId: send.spanId,
      attributes: { 'messaging.system': 'tcp', 'code.function.name': 'EmailMessagesController.send' },
    });
    const deliverySpan = await receiver.waitForSpan((span) => span.traceId === traceId && span.name === 'MailboxService.send');
    expect(deliverySpan.parentSpanId).toBe(delivery.spanId);
  });

  it('runs the outbox cleanup as a scheduled job, each run a trace of its own with its DELETE beneath', async () => {
    const runs = await receiver.waitFor(() => {
      const found = receiver.spans.filter((span) => span.name === 'interval outbox-cleanup');
      return found.length >= 2 ? found : undefined;
    });
    expect(new Set(runs.map((run) => run.traceId)).size).toBe(runs.length);
    const [run] = runs;
    expect(run).toMatchObject({
      kind: KIND.INTERNAL,
      parentSpanId: '',
      attributes: { 'nestjs.schedule.job.name': 'outbox-cleanup', 'nestjs.schedule.job.schedule': '300', 'outbox.removed': 0 },
      resource: { 'service.name': 'users-api' },
    });
    const query = await receiver.waitForSpan((span) => span.parentSpanId === run.spanId && span.kind === KIND.CLIENT);
    expect(query.attributes['db.query.text']).toContain('DELETE FROM outbox_messages WHERE delivered_at <');
  });

  it("writes JSON log lines that carry the trace of the request's spans, the outbox job's included", async () => {
    const response = await signup('logs@example.com').expect(201);
    const traceId = response.headers['x-trace-id'];
    const server = await named(traceId, 'POST /users');
    const dispatch = await named(traceId, 'outbox.dispatch welcome_email');
    const logLines = () =>
      usersApi
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.trace_id === traceId);
    const sent = await waitUntil(() => logLines().find((line) => line.context === 'OutboxDispatcher'));
    const access = logLines().find((line) => line.status_code !== undefined);

    expect(access).toMatchObject({ method: 'POST', route: '/users', status_code: 201, span_id: server.spanId, trace_flags: '01' });
    expect(sent).toMatchObject({ span_id: dispatch.spanId, msg: expect.stringContaining('sent welcome_email') });
    expect(sent).not.toHaveProperty('req');
  });

  it('never lets the password or the Authorization token leave the process', async () => {
    const { headers } = await signup('secrets@example.com').expect(201);
    await receiver.waitForSpan((span) => span.traceId === headers['x-trace-id'] && span.name === 'process email.send');
    const exported = JSON.stringify(receiver.spans, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
    const metrics = (await request(usersApi.url).get('/metrics').set('Accept', 'application/openmetrics-text').expect(200)).text;
    for (const secret of [PASSWORD, 'e2e-secret-token-7f3a']) {
      expect(exported).not.toContain(secret);
      expect(metrics).not.toContain(secret);
      expect(usersApi.output()).not.toContain(secret);
      expect(emailService.output()).not.toContain(secret);
    }
  });

  it('reads through the Redis cache: the second GET is served without a query', async () => {
    const { body: user } = await signup('cache@example.com').expect(201);
    const first = await request(usersApi.url).get(`/users/${user.id}`).expect(200);
    const second = await request(usersApi.url).get(`/users/${user.id}`).expect(200);
    expect(second.body).toEqual(user);
    expect(first.body).toEqual(user);

    const hit = await named(second.headers['x-trace-id'], 'UsersService.findOne');
    expect(hit.attributes['cache.hit']).toBe(true);
    await named(second.headers['x-trace-id'], 'GET /users/:id');
    expect(inTrace(second.headers['x-trace-id']).some((span) => span.attributes['db.system.name'] === 'postgresql')).toBe(false);
  });

  it('invalidates the cache on PATCH and DELETE', async () => {
    const { body: user } = await signup('patch@example.com').expect(201);
    await request(usersApi.url).get(`/users/${user.id}`).expect(200);
    await request(usersApi.url)
      .patch(`/users/${user.id}`)
      .send({ name: 'Renamed' })
      .expect(200, { ...user, name: 'Renamed' });
    await request(usersApi.url)
      .get(`/users/${user.id}`)
      .expect(200, { ...user, name: 'Renamed' });
    await request(usersApi.url).delete(`/users/${user.id}`).expect(204);
    await request(usersApi.url).get(`/users/${user.id}`).expect(404);
  });

  it('pages the list with limit and offset, limit at most 100', async () => {
    const page = await request(usersApi.url).get('/users?limit=2&offset=0').expect(200);
    expect(page.body).toMatchObject({ limit: 2, offset: 0, total: expect.any(Number) });
    expect(page.body.items).toHaveLength(2);
    const fields = (await request(usersApi.url).get('/users?limit=101').expect(400)).body.fields;
    expect(Object.keys(fields)).toEqual(['limit']);
  });

  it('answers 400, 404 and 409 without marking the server span ERROR', async () => {
    const invalid = await request(usersApi.url).post('/users').send({ email: 'nope', name: 'x', password: 'short', role: 'admin' }).expect(400);
    expect(Object.keys(invalid.body.fields).sort()).toEqual(['email', 'password', 'role']);
    const unknown = await request(usersApi.url).get('/users/7d1b1a0e-5c7e-4d55-9a3c-3b8f6a2c9e10').expect(404);
    const malformed = await request(usersApi.url).get('/users/not-a-uuid').expect(404);
    await signup('dup@example.com').expect(201);
    const duplicate = await signup('DUP@example.com').expect(409);

    for (const response of [invalid, unknown, malformed, duplicate]) {
      const traceId = response.headers['x-trace-id'];
      const server = await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === KIND.SERVER);
      expect(server.status.code).toBe(0);
      // Only the database's own answer to the duplicate INSERT (a pg CLIENT span) is an error.
      const ours = inTrace(traceId).filter((span) => span.attributes['db.system.name'] !== 'postgresql');
      expect(ours.filter((span) => span.status.code === 2)).toEqual([]);
    }
  });
});
