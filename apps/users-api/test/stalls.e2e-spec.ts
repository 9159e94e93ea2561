import pg from 'pg';
import request from 'supertest';
import { freePort, type PreloadedProcess, spawnWithPreload, waitUntil } from '@app/test-support';
import { type PrivateServer, startPrivatePostgres, startPrivateRedis } from './support/private-servers.js';
import { startUsersApi, USERS_API } from './support/sample-system.js';

const user = (email: string) => ({ email, name: 'Barbara Liskov', password: 'substitution-1987' });

/** Milliseconds a request took, with its response. */
async function timed<T>(send: () => Promise<T>): Promise<{ response: T; ms: number }> {
  const started = performance.now();
  const response = await send();
  return { response, ms: performance.now() - started };
}

/**
 * Stalled and stopped dependencies, on a PostgreSQL and a Redis of the test's own (frozen with
 * SIGSTOP, stopped, restarted), never the machine's shared ones. Tracing is off: this is about the
 * app's answers and how fast they come.
 */
describe('users-api when a dependency stalls or stops', () => {
  let postgres: PrivateServer;
  let redis: PrivateServer;
  let api: PreloadedProcess;

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    api = await startUsersApi({
      NODE_ENV: 'production',
      PORT: '0',
      ENABLE_TRACING: 'false',
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      EMAIL_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
      DATABASE_STATEMENT_TIMEOUT_MS: '1000',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      REDIS_COMMAND_TIMEOUT_MS: '100',
      REDIS_RETRY_MS: '300',
    });
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await Promise.all([postgres?.destroy(), redis?.destroy()]);
  });

  afterEach(() => {
    postgres.thaw();
    redis.thaw();
  });

  it('skips a frozen Redis after one command timeout, serves from PostgreSQL, and uses Redis again once it answers', async () => {
    const { body: created } = await request(api.url).post('/users').send(user('frozen-redis@example.com')).expect(201);
    await request(api.url).get(`/users/${created.id}`).expect(200, created);

    redis.freeze();
    const timings: number[] = [];
    for (let index = 0; index < 20; index++) {
      const { response, ms } = await timed(() => request(api.url).get(`/users/${created.id}`));
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created);
      timings.push(ms);
    }
    timings.sort((a, b) => a - b);
    // At most the first request waits for the 100 ms command timeout; the rest skip Redis.
    expect(timings[18]).toBeLessThan(100);
    expect(timings[19]).toBeLessThan(600);

    redis.thaw();
    await waitUntil(async () => (api.output().includes('Redis is back') ? true : undefined), 10_000);
    await request(api.url).get(`/users/${created.id}`).expect(200, created);
  });

  it('serves no stale user after an invalidation lost to a Redis outage, once Redis is back with the old entry', async () => {
    const { body: created } = await request(api.url).post('/users').send(user('lost-invalidation@example.com')).expect(201);
    await request(api.url).get(`/users/${created.id}`).expect(200, created);
    const before = api.output().split('Redis is back').length;

    // Frozen, Redis keeps the cached entry, as one with persistence would across a restart.
    redis.freeze();
    await request(api.url).patch(`/users/${created.id}`).send({ name: 'Renamed During Outage' }).expect(200);
    redis.thaw();
    await waitUntil(async () => (api.output().split('Redis is back').length > before ? true : undefined), 10_000);

    for (let index = 0; index < 3; index++) {
      await request(api.url)
        .get(`/users/${created.id}`)
        .expect(200, { ...created, name: 'Renamed During Outage' });
    }
  });

  it('answers 503 with Retry-After within the statement timeout while PostgreSQL is frozen, /health within a second, and recovers', async () => {
    const { body: created } = await request(api.url).post('/users').send(user('frozen-postgres@example.com')).expect(201);

    postgres.freeze();
    const list = await timed(() => request(api.url).get('/users?limit=5'));
    expect(list.response.status).toBe(503);
    expect(list.response.headers['retry-after']).toBe('1');
    expect(list.response.body).toMatchObject({ statusCode: 503, message: 'database unavailable, retry later' });
    expect(list.ms).toBeLessThan(3_000);

    const health = await timed(() => request(api.url).get('/health'));
    expect(health.response.status).toBe(503);
    expect(health.response.body).toMatchObject({ status: 'error', database: 'timeout' });
    expect(health.ms).toBeLessThan(1_000);

    postgres.thaw();
    await waitUntil(async () => ((await request(api.url).get('/users?limit=5')).status === 200 ? true : undefined), 15_000);
    await request(api.url).get('/health').expect(200, { status: 'ok', database: 'up' });
    await request(api.url).patch(`/users/${created.id}`).send({ name: 'After The Freeze' }).expect(200);
  }, 60_000);

  it('answers every request within the deadline when PostgreSQL freezes under load, mid-transaction and waiting for a connection', async () => {
    const answers: { status: number; ms: number }[] = [];
    let sending = true;
    // Signups in a loop: when the server freezes some are inside their transaction, whose ROLLBACK then waits too.
    const workers = Array.from({ length: 12 }, async (_, worker) => {
      for (let index = 0; sending; index++) {
        const { response, ms } = await timed(() =>
          request(api.url)
            .post('/users')
            .send(user(`frozen-load-${worker}-${index}@example.com`)),
        );
        answers.push({ status: response.status, ms });
        if (response.status === 503) expect(response.headers['retry-after']).toBe('1');
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    postgres.freeze();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    sending = false;
    postgres.thaw();
    await Promise.all(workers);
    expect(answers.filter(({ status }) => status !== 201 && status !== 503)).toEqual([]);
    expect(answers.filter(({ status }) => status === 503).length).toBeGreaterThan(0);
    // The statement timeout (1 s) and the driver's grace (0.5 s), plus the request's own time.
    expect(Math.max(...answers.map(({ ms }) => ms))).toBeLessThan(2_200);
    await waitUntil(async () => ((await request(api.url).get('/users?limit=5')).status === 200 ? true : undefined), 15_000);
  }, 60_000);

  it('answers 201 or 503, never 500, to signups whose connections are killed mid-transaction, as a restart does', async () => {
    const statuses: number[] = [];
    let sending = true;
    const signups = Array.from({ length: 8 }, async (_, worker) => {
      for (let index = 0; sending; index++) {
        statuses.push(
          (
            await request(api.url)
              .post('/users')
              .send(user(`killed-${worker}-${index}@example.com`))
          ).status,
        );
      }
    });
    // What a restart does to each session, many times over, so some die between INSERT and COMMIT.
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    for (let round = 0; round < 40; round++) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = $1', ['client backend']);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await admin.end();
    await postgres.stop();
    await postgres.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    sending = false;
    await Promise.all(signups);
    expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(statuses).toContain(201);
  }, 60_000);

  it('answers 503 with Retry-After at once while PostgreSQL is stopped, and recovers by itself after the restart', async () => {
    await postgres.stop();
    const list = await timed(() => request(api.url).get('/users'));
    expect(list.response.status).toBe(503);
    expect(list.response.headers['retry-after']).toBe('1');
    expect(list.ms).toBeLessThan(1_500);
    const signup = await request(api.url).post('/users').send(user('while-stopped@example.com'));
    expect(signup.status).toBe(503);
    await request(api.url).get('/health').expect(503, { status: 'error', database: 'down' });

    await postgres.start();
    await waitUntil(async () => ((await request(api.url).get('/users')).status === 200 ? true : undefined), 15_000);
    await request(api.url).post('/users').send(user('after-restart@example.com')).expect(201);
    expect(api.output()).not.toContain('substitution-1987');
  }, 60_000);

  it('logs a start with the database unreachable as JSON lines, the reason included, and exits 1', async () => {
    const start = spawnWithPreload(USERS_API, {
      NODE_ENV: 'production',
      PORT: '0',
      ENABLE_TRACING: 'false',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`,
      DATABASE_CONNECT_TIMEOUT_MS: '200',
    });
    expect(await start.exited).toBe(1);
    const lines = start.output().trim().split('\n');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    expect(records.at(-1)).toMatchObject({ level: 60, msg: 'users-api could not start', err: { message: expect.stringContaining('ECONNREFUSED') } });
    expect(records.some((record) => String(record.msg).includes('Unable to connect to the database'))).toBe(true);
  }, 30_000);

  it('logs a failed start of the embedded database as a JSON line too, and exits 1', async () => {
    // A folder below a regular file cannot be created, whoever runs the test.
    const start = spawnWithPreload(USERS_API, { NODE_ENV: 'production', PORT: '0', ENABLE_TRACING: 'false', DATA_DIR: `${USERS_API}/data` });
    expect(await start.exited).toBe(1);
    const lines = start.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 60, msg: 'users-api could not start', err: { code: 'ENOTDIR' } });
  }, 30_000);
});
