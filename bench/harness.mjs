/**
 * What `run.mjs` (req/s) and `instructions.mjs` (callgrind) both need around the users-api they
 * measure: a throwaway database, a trace backend that discards, a seeded user, and the wait for
 * the app to answer.
 */
import { createServer } from 'node:http';
import pg from 'pg';

const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/8';

async function withAdmin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database on the machine's PostgreSQL, so runs never see each other's rows. */
export async function createBenchDatabase(prefix) {
  const name = `${prefix}_${Date.now()}`;
  await withAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => withAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The trace backend: accepts every OTLP request and discards it, as fast as possible. */
export async function startDiscardReceiver() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

export async function waitForPing(url, deadline, intervalMs) {
  for (;;) {
    const ok = await fetch(`${url}/ping`).then((response) => response.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer /ping`);
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}

/** Signs a user up through the API and returns its id, for `GET /users/:id`. */
export async function seedUser(url, email) {
  const response = await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: 'Seed', password: 'seed-password' }),
  });
  return (await response.json()).id;
}
