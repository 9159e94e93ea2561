import request from 'supertest';
import { type PreloadedProcess, TraceReceiver, waitUntil } from '@app/test-support';
import { createDatabase, query, REDIS_URL, startEmailService, startUsersApi, tracingEnv } from './support/sample-system.js';

const PASSWORD = 'hostile-input-password-1';
const KIND_SERVER = 2;

/** users-api and email-service as a hostile client meets them: every bad input is a 400 (or 413), never a 500. */
describe('users-api and email-service under hostile input', () => {
  let receiver: TraceReceiver;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let emails: PreloadedProcess;
  let api: PreloadedProcess;
  let userId: string;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    database = await createDatabase();
    emails = await startEmailService(tracingEnv(receiver, { NODE_ENV: 'production' }));
    api = await startUsersApi(tracingEnv(receiver, { NODE_ENV: 'production', DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: emails.url }));
    const { body } = await request(api.url).post('/users').send({ email: 'target@example.com', name: 'Target', password: PASSWORD }).expect(201);
    userId = body.id;
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await emails?.stop();
    await database?.drop();
    await receiver?.close();
  });

  const exported = () => JSON.stringify(receiver.spans, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
  const postJson = (url: string, path: string, body: string) => request(url).post(path).set('content-type', 'application/json').send(body);
  const patchJson = (path: string, body: string) => request(api.url).patch(path).set('content-type', 'application/json').send(body);
  const valid = { email: 'someone@example.com', name: 'Someone', password: PASSWORD };

  it.each([
    ['a NUL byte in name', { ...valid, name: 'a\u0000b' }, 'name'],
    ['a lone surrogate in name', { ...valid, name: 'a\ud800b' }, 'name'],
    ['a line break in name', { ...valid, name: 'a\nb' }, 'name'],
    ['a NUL byte in password', { ...valid, password: 'passw\u0000rd-long' }, 'password'],
    ['a control character in email', { ...valid, email: 'a\u0007@example.com' }, 'email'],
    ['a constructor field', { ...valid, constructor: { prototype: {} } }, 'constructor'],
    ['a prototype field', { ...valid, prototype: 1 }, 'prototype'],
    ['a __proto__ field', JSON.parse(`{"email":"x@example.com","name":"X","password":"${PASSWORD}","__proto__":{"admin":true}}`), '__proto__'],
  ])('POST /users refuses %s with a 400 naming the field', async (_what, body, field) => {
    const response = await postJson(api.url, '/users', JSON.stringify(body)).expect(400);
    expect(Object.keys(response.body.fields)).toEqual([field]);
  });

  it.each([
    ['null name', '{"name":null}', 'name'],
    ['null email', '{"email":null}', 'email'],
    ['null password', '{"password":null}', 'password'],
    ['a NUL byte in name', '{"name":"a\\u0000b"}', 'name'],
    ['a lone surrogate in name', '{"name":"a\\udc00"}', 'name'],
  ])('PATCH /users/:id refuses %s with a 400 naming the field, and stores nothing', async (_what, body, field) => {
    const response = await patchJson(`/users/${userId}`, body).expect(400);
    expect(Object.keys(response.body.fields)).toEqual([field]);
    await request(api.url)
      .get(`/users/${userId}`)
      .expect(200)
      .expect((read) => expect(read.body.name).toBe('Target'));
  });

  it.each([
    'offset=1e20',
    'offset=99999999999999999999',
    'offset=1000001',
    'limit=0x10',
    'limit=+5',
    'limit=%205',
    'limit=5.0',
    'limit=1&limit=2',
    'offset=-1',
  ])('GET /users?%s is a 400 naming the parameter', async (search) => {
    const response = await request(api.url).get(`/users?${search}`).expect(400);
    expect(Object.keys(response.body.fields)).toEqual([search.split('=')[0]]);
  });

  it('refuses JSON nested 5000 deep on every JSON route with a quick 400, and non-object bodies with their reason', async () => {
    const deep = `{"unknown":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    for (const [url, method, path] of [
      [api.url, 'post', '/users'],
      [api.url, 'patch', `/users/${userId}`],
      [emails.url, 'post', '/emails'],
    ] as const) {
      const started = performance.now();
      const response = await request(url)[method](path).set('content-type', 'application/json').send(deep).expect(400);
      expect(performance.now() - started).toBeLessThan(500);
      expect(Object.keys(response.body.fields)[0]).toMatch(/^unknown\.0\.0/);
    }
    for (const body of ['null', '[]', '"text"', '42']) {
      const response = await postJson(api.url, '/users', body).expect(400);
      expect(response.body.message).toBe('body must be a JSON object');
    }
    await postJson(api.url, '/users', '{"email":').expect(400);
    await postJson(api.url, '/users', JSON.stringify({ ...valid, name: 'x'.repeat(200_000) })).expect(413);
  });

  it('refuses email-service bodies and Idempotency-Keys a client can abuse', async () => {
    const email = { to: 'a@example.com', subject: 'Hi', body: 'Hello\r\nthere' };
    await request(emails.url).post('/emails').send(email).expect(201);
    const subject = await request(emails.url)
      .post('/emails')
      .send({ ...email, subject: 'Hi\r\nBcc: x@evil.test' })
      .expect(400);
    expect(Object.keys(subject.body.fields)).toEqual(['subject']);
    const key = await request(emails.url).post('/emails').set('Idempotency-Key', 'k'.repeat(4_096)).send(email).expect(400);
    expect(Object.keys(key.body.fields)).toEqual(['Idempotency-Key']);
    await request(emails.url)
      .post('/emails')
      .send({ ...email, constructor: 1 })
      .expect(400);
  });

  it('logs a database error by its code and constraint, never the query parameters, the row or the hash', async () => {
    await query(database.url, "ALTER TABLE users ADD CONSTRAINT users_name_allowed CHECK (name <> 'Forbidden Name')");
    try {
      const created = await request(api.url).post('/users').send({ email: 'check@example.com', name: 'Forbidden Name', password: PASSWORD }).expect(500);
      expect(created.body).toEqual({ statusCode: 500, message: 'Internal server error' });
      const updated = await request(api.url)
        .patch(`/users/${userId}`)
        .send({ name: 'Forbidden Name', password: `${PASSWORD}-new` })
        .expect(500);
      const server = await receiver.waitForSpan((span) => span.traceId === updated.headers['x-trace-id'] && span.kind === KIND_SERVER);
      expect(server.status.code).toBe(2);
    } finally {
      await query(database.url, 'ALTER TABLE users DROP CONSTRAINT users_name_allowed');
    }
    const lines = await waitUntil(() => {
      const found = api
        .output()
        .split('\n')
        .filter((line) => line.includes('users_name_allowed'));
      return found.length >= 2 ? found : undefined;
    });
    expect(JSON.parse(lines[0])).toMatchObject({ level: 50, context: 'Database', db: { code: '23514', constraint: 'users_name_allowed', table: 'users' } });
    const { rows } = await query(database.url, 'SELECT password_hash FROM users');
    for (const output of [api.output(), emails.output(), exported()]) {
      expect(output).not.toContain('scrypt$');
      expect(output).not.toContain('Failing row');
      expect(output).not.toContain(PASSWORD);
      for (const { password_hash: hash } of rows) expect(output).not.toContain(hash.split('$')[5]);
    }
  });

  it('masks secret-looking query parameters in url.query', async () => {
    const search = 'limit=5&pwd=p1&auth=a1&sig=s1&session=se1&jwt=j1&key=k1&api_key=ak1';
    const response = await request(api.url).get(`/users?${search}`);
    const server = await receiver.waitForSpan((span) => span.traceId === response.headers['x-trace-id'] && span.kind === KIND_SERVER);
    const masked = String(server.attributes['url.query']);
    expect(masked).toContain('limit=5');
    for (const value of ['p1', 'a1', 's1', 'se1', 'j1', 'k1', 'ak1']) expect(masked).not.toContain(`=${value}`);
  });

  it('bounds the baggage a client sends before it is stored with the outbox row and forwarded', async () => {
    const entries = [`auth_token=${'t'.repeat(64)}`, 'tenant=acme', ...Array.from({ length: 60 }, (_, index) => `k${index}=${'v'.repeat(120)}`)];
    const response = await request(api.url)
      .post('/users')
      .set('baggage', entries.join(','))
      .send({ email: 'baggage@example.com', name: 'Baggage', password: PASSWORD })
      .expect(201);
    const { rows } = await query(database.url, "SELECT trace_context FROM outbox_messages WHERE payload->>'to' = 'baggage@example.com'");
    const stored: string = rows[0].trace_context.baggage;
    expect(Buffer.byteLength(decodeURIComponent(stored))).toBeLessThanOrEqual(1024 + 64);
    expect(stored.split(',').length).toBeLessThanOrEqual(16);
    expect(stored).toContain('tenant=acme');
    expect(stored).not.toContain('auth_token');
    expect(response.headers['x-trace-id']).toBeDefined();
  });
});
