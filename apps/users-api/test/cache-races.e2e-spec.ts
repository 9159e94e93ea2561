import { freePort } from '@app/test-support';
import request from 'supertest';
import type { PreloadedProcess } from '@app/test-support';
import { createDatabase, REDIS_URL, startUsersApi } from './support/sample-system.js';

const ROUNDS = 150;
const READERS = 6;

/**
 * Reads that miss the cache race writes that invalidate it, many times over: after each round,
 * every read must show the last write. Tracing is off, so nothing slows the race down.
 */
describe('users-api cache under concurrent reads and writes', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let api: PreloadedProcess;

  beforeAll(async () => {
    database = await createDatabase();
    api = await startUsersApi({
      NODE_ENV: 'production',
      PORT: '0',
      ENABLE_TRACING: 'false',
      PASSWORD_SCRYPT_COST: '1024',
      DATABASE_URL: database.url,
      REDIS_URL,
      EMAIL_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    });
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  const read = (id: string) => request(api.url).get(`/users/${id}`);
  /** Readers spread over a few milliseconds around the write, so some miss before it and fill after it. */
  const readersAround = (id: string) => Array.from({ length: READERS }, (_, index) => new Promise((done) => setTimeout(done, index)).then(() => read(id)));

  it(`never serves a name older than the last PATCH (${ROUNDS} rounds)`, async () => {
    const { body: user } = await request(api.url)
      .post('/users')
      .send({ email: 'race-patch@example.com', name: 'Round 0', password: 'race-password-1' })
      .expect(201);
    const stale: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Empty the cache (the last round's checks filled it) so the readers miss and go to the database.
      await request(api.url)
        .patch(`/users/${user.id}`)
        .send({ name: `Round ${round} before` })
        .expect(200);
      const name = `Round ${round}`;
      const [, ...reads] = await Promise.all([request(api.url).patch(`/users/${user.id}`).send({ name }), ...readersAround(user.id)]);
      expect(reads.every((response) => response.status === 200)).toBe(true);
      for (let check = 0; check < 2; check++) {
        if ((await read(user.id)).body.name !== name) stale.push(round);
      }
    }
    expect(stale).toEqual([]);
  }, 120_000);

  it(`never serves a user after its DELETE (${ROUNDS} rounds)`, async () => {
    const stale: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const { body: user } = await request(api.url)
        .post('/users')
        .send({ email: `race-delete-${round}@example.com`, name: 'Doomed', password: 'race-password-1' })
        .expect(201);
      // Empty the cache so the readers miss and go to the database.
      await request(api.url).patch(`/users/${user.id}`).send({ name: 'Doomed Too' }).expect(200);
      await Promise.all([request(api.url).delete(`/users/${user.id}`).expect(204), ...readersAround(user.id)]);
      for (let check = 0; check < 2; check++) {
        if ((await read(user.id)).status !== 404) stale.push(round);
      }
    }
    expect(stale).toEqual([]);
  }, 120_000);
});
