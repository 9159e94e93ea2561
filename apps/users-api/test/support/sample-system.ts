import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';
import { type PreloadedProcess, startWithPreload, type TraceReceiver } from '@app/test-support';

/**
 * The sample system as users run it: built apps, started with the preload, against the machine's
 * PostgreSQL and Redis. Without them these tests fail: they never skip.
 */
export const ADMIN_DATABASE_URL = process.env.E2E_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.E2E_REDIS_URL ?? 'redis://127.0.0.1:6379/9';

export const USERS_API = resolve('dist/apps/users-api/main.js');
export const EMAIL_SERVICE = resolve('dist/apps/email-service/main.js');

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database per run, so runs never see each other's users. */
export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `users_e2e_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function query(databaseUrl: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** True once something accepts TCP connections on the loopback port: a server that is up. */
export function acceptsConnections(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(undefined));
  });
}

/** A port nothing listens on (yet). */
export function tracingEnv(receiver: TraceReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: 'test', PORT: '0', ...receiver.exportEnv(), ...extra };
}

export interface EmailServiceProcess extends PreloadedProcess {
  /** `tcp://127.0.0.1:<port>`: where Nest's TCP transport takes its deliveries. */
  messagesUrl: string;
}

/** email-service with HTTP on `PORT` and its TCP transport on `EMAIL_TCP_PORT` (free ports unless given). */
export async function startEmailService(env: Record<string, string>): Promise<EmailServiceProcess> {
  const started = await startWithPreload(EMAIL_SERVICE, { EMAIL_TCP_PORT: '0', ...env });
  // Logged before the HTTP server listens, so it is there once the start resolves.
  const port = /messages on tcp:\/\/[^:]+:(\d+)/.exec(started.output())?.[1];
  if (!port) throw new Error(`email-service did not say where it takes messages:\n${started.output()}`);
  return { ...started, messagesUrl: `tcp://127.0.0.1:${port}` };
}

export function startUsersApi(env: Record<string, string>): Promise<PreloadedProcess> {
  return startWithPreload(USERS_API, { OUTBOX_POLL_MS: '200', ...env }, { timeoutMs: 60_000 });
}
