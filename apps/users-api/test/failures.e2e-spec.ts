import request from 'supertest';
import { freePort, type PreloadedProcess, TraceReceiver, waitUntil } from '@app/test-support';
import { createDatabase, query, REDIS_URL, startEmailService, startUsersApi, tracingEnv } from './support/sample-system.js';

const KIND = { SERVER: 2 };
const STATUS_ERROR = 2;
const user = (email: string) => ({ email, name: 'Grace Hopper', password: 'cobol-forever-1959' });

/** Each scenario runs its own processes, so breaking one dependency never disturbs another test. */
describe('users-api when things fail', () => {
  let receiver: TraceReceiver;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  const processes: PreloadedProcess[] = [];
  const track = async <P extends PreloadedProcess>(started: Promise<P>): Promise<P> => {
    const process = await started;
    processes.push(process);
    return process;
  };

  beforeEach(async () => {
    receiver = await TraceReceiver.start();
    database = await createDatabase();
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.stop()));
    await database.drop();
    await receiver.close();
  });

  const span = (traceId: string, name: string) => receiver.waitForSpan((candidate) => candidate.traceId === traceId && candidate.name === name);

  it('answers 500 when the database fails, with ERROR and the exception on the server span', async () => {
    const api = await track(startUsersApi(tracingEnv(receiver, { DATABASE_URL: database.url, EMAIL_SERVICE_URL: `http://127.0.0.1:${await freePort()}` })));
    const { body: created } = await request(api.url).post('/users').send(user('grace@example.com')).expect(201);
    await query(database.url, 'DROP TABLE users');

    const response = await request(api.url).get(`/users/${created.id}`).expect(500);
    const traceId = response.headers['x-trace-id'];
    const server = await span(traceId, 'GET /users/:id');
    expect(server.status.code).toBe(STATUS_ERROR);
    expect(server.attributes['error.type']).toBe('500');
    // The SDK takes `exception.type` from the error's `code`: PostgreSQL's undefined_table.
    expect(server.events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': '42P01', 'exception.message': 'relation "users" does not exist' },
    });
    expect(String(server.events[0].attributes['exception.stacktrace'])).toContain('QueryFailedError');
  });

  it('serves from the database while Redis is down, marking the skipped cache on the span', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const api = await track(
      startUsersApi(tracingEnv(receiver, { DATABASE_URL: database.url, REDIS_URL: deadRedis, EMAIL_SERVICE_URL: `http://127.0.0.1:${await freePort()}` })),
    );
    const { body: created } = await request(api.url).post('/users').send(user('redis-down@example.com')).expect(201);
    const response = await request(api.url).get(`/users/${created.id}`).expect(200);
    expect(response.body).toEqual(created);

    const findOne = await span(response.headers['x-trace-id'], 'UsersService.findOne');
    expect(findOne.status.code).not.toBe(STATUS_ERROR);
    expect(findOne.attributes['cache.hit']).toBe(false);
    // Never connected: the cache is skipped without waiting for a command to fail.
    expect(findOne.events).toEqual([expect.objectContaining({ name: 'cache.bypassed', attributes: { 'cache.operation': 'get' } })]);
  });

  it.each([
    ["Nest's TCP transport", 'tcp', 'process email.send'],
    ['HTTP', 'http', 'POST /emails'],
  ])(
    'keeps the welcome email while the email service is down and delivers it exactly once over %s, in the signup trace',
    async (_, scheme, handled) => {
      const port = await freePort();
      const api = await track(
        startUsersApi(tracingEnv(receiver, { DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: `${scheme}://127.0.0.1:${port}` })),
      );
      const signup = await request(api.url).post('/users').send(user('patient@example.com')).expect(201);
      const traceId = signup.headers['x-trace-id'];

      const failed = await receiver.waitForSpan(
        (candidate) => candidate.traceId === traceId && candidate.name === 'outbox.dispatch welcome_email' && candidate.status.code === STATUS_ERROR,
      );
      expect(failed.attributes['outbox.attempt']).toBe(1);

      const emails = await track(startEmailService(tracingEnv(receiver, scheme === 'tcp' ? { EMAIL_TCP_PORT: String(port) } : { PORT: String(port) })));
      const delivered = await waitUntil(async () => {
        const { body } = await request(emails.url).get('/emails');
        return body.length > 0 ? body : undefined;
      }, 30_000);
      const succeeded = await receiver.waitForSpan(
        (candidate) => candidate.traceId === traceId && candidate.name === 'outbox.dispatch welcome_email' && candidate.status.code !== STATUS_ERROR,
      );
      await receiver.waitForSpan(
        (candidate) => candidate.traceId === traceId && candidate.name === handled && candidate.resource['service.name'] === 'email-service',
      );

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const { body: after } = await request(emails.url).get('/emails').expect(200);
      expect(delivered).toHaveLength(1);
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ to: 'patient@example.com', subject: 'Welcome, Grace Hopper!' });
      expect(succeeded.attributes['outbox.attempt']).toBeGreaterThan(1);
      const rows = await query(database.url, 'SELECT attempts, delivered_at FROM outbox_messages');
      expect(rows.rows).toEqual([{ attempts: expect.any(Number), delivered_at: expect.any(Date) }]);
    },
    60_000,
  );

  it('delivers once over TCP when replies come too late: the retry with the same key gets the first delivery back', async () => {
    const emails = await track(startEmailService(tracingEnv(receiver, { EMAIL_LATENCY_MS: '1500' })));
    const env = { DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: emails.messagesUrl, EMAIL_TIMEOUT_MS: '500' };
    const api = await track(startUsersApi(tracingEnv(receiver, env)));
    const signup = await request(api.url).post('/users').send(user('late@example.com')).expect(201);
    const traceId = signup.headers['x-trace-id'];

    const succeeded = await receiver.waitForSpan(
      (candidate) => candidate.traceId === traceId && candidate.name === 'outbox.dispatch welcome_email' && candidate.status.code !== STATUS_ERROR,
      30_000,
    );
    expect(succeeded.attributes['outbox.attempt']).toBeGreaterThan(1);
    const duplicate = await receiver.waitForSpan(
      (candidate) => candidate.traceId === traceId && candidate.events.some((event) => event.name === 'email.duplicate'),
    );
    expect(duplicate.name).toBe('process email.send');
    const { body: mailbox } = await request(emails.url).get('/emails').expect(200);
    expect(mailbox).toHaveLength(1);
  }, 60_000);

  it('at TRACING_SAMPLE_RATE=0 exports nothing and everything still works', async () => {
    const env = { TRACING_SAMPLE_RATE: '0' };
    const emails = await track(startEmailService(tracingEnv(receiver, env)));
    const api = await track(startUsersApi(tracingEnv(receiver, { ...env, DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: emails.url })));
    const signup = await request(api.url).post('/users').send(user('unsampled@example.com')).expect(201);
    await request(api.url).get(`/users/${signup.body.id}`).expect(200, signup.body);
    expect(signup.headers['x-trace-id']).toBeUndefined();
    await waitUntil(async () => ((await request(emails.url).get('/emails')).body.length === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.spans.filter((candidate) => candidate.kind === KIND.SERVER)).toEqual([]);
    expect(receiver.spans).toEqual([]);
  });
});
