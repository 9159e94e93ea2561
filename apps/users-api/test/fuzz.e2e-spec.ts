import request from 'supertest';
import type { PreloadedProcess } from '@app/test-support';
import { HostileValues } from './support/hostile-values.js';
import { createDatabase, REDIS_URL, startEmailService, startUsersApi } from './support/sample-system.js';

/** `FUZZ_SEED` replays a run; each run otherwise draws its own and names it on failure. */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const REQUESTS_PER_ROUTE = 150;

interface Sent {
  method: string;
  path: string;
  /** 0 when no response arrived. */
  status: number;
  body: string;
  error?: string;
}

/**
 * Generated hostile requests to every route of both services. Whatever arrives, the answer is a
 * 2xx, 3xx or 4xx: a 5xx is a bug a client can trigger. Tracing is on, as in production.
 */
describe(`fuzzing both services (FUZZ_SEED=${SEED})`, () => {
  /** Each route draws from its own generator, so one route's run replays alone (`-t`). */
  let generate = new HostileValues(SEED);
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let emails: PreloadedProcess;
  let api: PreloadedProcess;
  const ids: string[] = [];
  let failures: Sent[] = [];

  beforeAll(async () => {
    database = await createDatabase();
    const tracing = { ENABLE_TRACING: 'true', TRACING_EXPORTER: 'none', NODE_ENV: 'production', PORT: '0' };
    emails = await startEmailService(tracing);
    api = await startUsersApi({ ...tracing, DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: emails.url, PASSWORD_SCRYPT_COST: '1024' });
    for (let index = 0; index < 3; index++) {
      const { body } = await request(api.url)
        .post('/users')
        .send({ email: `fuzz-${index}@example.com`, name: 'Fuzz', password: 'fuzz-password-1' })
        .expect(201);
      ids.push(body.id);
    }
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await emails?.stop();
    await database?.drop();
  });

  async function send(url: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<void> {
    let test = request(url)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path);
    for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
    const sent = { method, path: path.slice(0, 200), body: String(body ?? '').slice(0, 300) };
    try {
      const response = await (body === undefined ? test : test.send(body));
      if (response.status >= 500) failures.push({ ...sent, status: response.status });
    } catch (error) {
      // A request refused before its body is read (413 too large, 415 charset) gets its answer
      // and a closed connection, which a client still writing sees as a reset. That is fine as
      // long as the service is still up; a crash would show the same reset.
      const health = await request(url)
        .get('/health')
        .catch(() => undefined);
      if (health?.status !== 200) failures.push({ ...sent, status: 0, error: (error as Error).message });
    }
  }

  const userBody = { email: 'new@example.com', name: 'New User', password: 'a-good-password' };
  const emailBody = { to: 'someone@example.com', subject: 'Hello', body: 'Hi there' };

  /** A JSON body most of the time; now and then a raw one under some content type. */
  const payload = (valid: Record<string, unknown>): [string | Buffer, Record<string, string>] =>
    generate.next() < 0.8 ? [generate.body(valid), { 'content-type': 'application/json' }] : [generate.rawBody(), { 'content-type': generate.contentType() }];

  it.each([
    ['POST /users', () => send(api.url, 'POST', '/users', ...payload(userBody))],
    ['PATCH /users/:id', () => send(api.url, 'PATCH', `/users/${generate.pathSegment(ids)}`, ...payload(userBody))],
    ['GET /users', () => send(api.url, 'GET', `/users?${generate.query()}`)],
    ['GET /users/:id', () => send(api.url, 'GET', `/users/${generate.pathSegment(ids)}?${generate.query()}`)],
    ['DELETE /users/:id', () => send(api.url, 'DELETE', `/users/${generate.pathSegment(generate.next() < 0.1 ? ids : [])}`)],
    ['GET /health, /ping, /metrics', () => send(api.url, 'GET', `/${generate.pick(['health', 'ping', 'metrics'])}?${generate.query()}`)],
    [
      'POST /emails',
      () => {
        const [body, headers] = payload(emailBody);
        return send(emails.url, 'POST', '/emails', body, generate.next() < 0.5 ? { ...headers, 'idempotency-key': generate.idempotencyKey() } : headers);
      },
    ],
    ['GET /emails, /health, /metrics', () => send(emails.url, 'GET', `/${generate.pick(['emails', 'health', 'metrics'])}?${generate.query()}`)],
  ])(
    '%s never answers 5xx',
    async (route, fire) => {
      generate = new HostileValues(SEED + [...route].reduce((sum, char) => sum + char.charCodeAt(0), 0));
      failures = [];
      for (let index = 0; index < REQUESTS_PER_ROUTE; index++) await fire();
      expect(failures).toEqual([]);
    },
    120_000,
  );

  it('leaves both services up, with no password hash in their logs', async () => {
    await request(api.url)
      .get(`/users/${ids[0]}`)
      .expect((response) => expect([200, 404]).toContain(response.status));
    await request(emails.url).get('/health').expect(200);
    expect(api.output()).not.toContain('scrypt$');
    expect(`${api.output()}${emails.output()}`).not.toMatch(/Maximum call stack|Internal server error/);
  });
});
