import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort, TraceReceiver } from '@app/test-support';
import { startUsersApi, tracingEnv } from './support/sample-system.js';

/** The default on a fresh machine: no DATABASE_URL, no REDIS_URL. */
describe('users-api on the embedded database', () => {
  let receiver: TraceReceiver;
  let dataDir: string;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    dataDir = await mkdtemp(join(tmpdir(), 'users-api-e2e-'));
  });
  afterAll(async () => {
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves users from PGlite over the wire protocol, traced by the pg instrumentation, and keeps them across restarts', async () => {
    const env = tracingEnv(receiver, { DATA_DIR: dataDir, EMAIL_SERVICE_URL: `http://127.0.0.1:${await freePort()}` });
    const first = await startUsersApi(env);
    let created: { id: string };
    try {
      expect(first.output()).toContain('no DATABASE_URL: embedded PostgreSQL (PGlite)');
      expect(first.output()).toContain('no REDIS_URL: the users cache is off');
      const signup = await request(first.url)
        .post('/users')
        .send({ email: 'embedded@example.com', name: 'Edsger', password: 'goto-considered-harmful' })
        .expect(201);
      created = signup.body;
      const insert = await receiver.waitForSpan(
        (span) => span.traceId === signup.headers['x-trace-id'] && String(span.attributes['db.query.text']).startsWith('INSERT INTO "users"'),
      );
      expect(insert.attributes['db.system.name']).toBe('postgresql');
    } finally {
      await first.stop();
    }

    const second = await startUsersApi(env);
    try {
      await request(second.url).get(`/users/${created.id}`).expect(200, created);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
