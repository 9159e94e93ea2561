import { createServer } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { type PreloadedProcess, TraceReceiver, waitUntil } from '@app/test-support';
import { type PrivateServer, startPrivatePostgres } from './support/private-servers.js';
import { type EmailServiceProcess, REDIS_URL, startEmailService, startUsersApi, tracingEnv } from './support/sample-system.js';

/**
 * Signups a second, and for how long: well within what the service accepts on this machine with
 * tracing on. `OUTBOX_LOAD_RATE` and `OUTBOX_LOAD_SECONDS` run it longer or harder by hand.
 */
const RATE = Number(process.env.OUTBOX_LOAD_RATE ?? 60);
const SECONDS = Number(process.env.OUTBOX_LOAD_SECONDS ?? 15);

/**
 * A free port below Linux's ephemeral range (32768 and up), for a service restarted on the same
 * port: under load, an outgoing connection may be given a free ephemeral port as its local port.
 */
async function portBelowEphemeralRange(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

/**
 * The welcome emails keep up with signups, each sent once, while the email service restarts (at a
 * quarter and three quarters of the run) and PostgreSQL restarts (halfway), on a PostgreSQL of the
 * test's own. A restarted email
 * service starts with an empty mailbox, so each one's deliveries are read before it stops.
 */
describe('the outbox under a steady stream of signups, through restarts', () => {
  let receiver: TraceReceiver;
  let postgres: PrivateServer;
  let emailService: EmailServiceProcess;
  let api: PreloadedProcess;
  let emailEnv: Record<string, string>;

  beforeAll(async () => {
    [receiver, postgres] = await Promise.all([TraceReceiver.start(), startPrivatePostgres()]);
    emailEnv = tracingEnv(receiver, { PORT: String(await portBelowEphemeralRange()), EMAIL_LATENCY_MS: '20' });
    emailService = await startEmailService(emailEnv);
    // The default poll: only the wake-up on each signup and draining full batches make the outbox fast.
    api = await startUsersApi(tracingEnv(receiver, { DATABASE_URL: postgres.url, REDIS_URL, EMAIL_SERVICE_URL: emailService.url, OUTBOX_POLL_MS: '1000' }));
  }, 90_000);
  afterAll(async () => {
    await api?.stop();
    await emailService?.stop();
    await postgres?.destroy();
    await receiver?.close();
  });

  /** The deliveries an email service logged: its mailbox is gone once it stops, its output is not. */
  const deliveries = (service: EmailServiceProcess) =>
    service
      .output()
      .split('\n')
      .flatMap((line) => {
        const found = /"time":(\d+).*"msg":"delivered email \S+ for key (\S+)"/.exec(line);
        return found ? [{ key: found[2], at: Number(found[1]) }] : [];
      });

  it(
    `delivers every welcome email once, seconds after its signup, at ${RATE} signups a second`,
    async () => {
      const stopped: EmailServiceProcess[] = [];
      const restartEmailService = async () => {
        await emailService.stop();
        stopped.push(emailService);
        emailService = await startEmailService(emailEnv);
      };
      const statuses: number[] = [];
      const started = Date.now();
      // One after another, each at its time or as soon as the one before is done.
      const at = async (seconds: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, started + seconds * 1000 - Date.now())));
      const restarts = (async () => {
        await at(SECONDS * 0.27);
        await restartEmailService();
        await at(SECONDS * 0.47);
        await postgres.stop();
        await postgres.start();
        await at(SECONDS * 0.73);
        await restartEmailService();
      })();
      const sends: Promise<void>[] = [];
      for (let index = 0; index < RATE * SECONDS; index++) {
        // Paced against the clock, so a slow answer does not slow the stream.
        const due = started + (index * 1000) / RATE;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        sends.push(
          request(api.url)
            .post('/users')
            .send({ email: `load-${index}@example.com`, name: 'Load Test', password: 'load-test-password' })
            .then((response) => void statuses.push(response.status)),
        );
      }
      await Promise.all([...sends, restarts]);
      const loadEnded = Date.now();
      expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
      expect(statuses.filter((status) => status === 201).length).toBeGreaterThan(RATE * SECONDS * 0.8);

      // Whoever exists gets one email, keyed by the outbox row written with it: a signup answered 503
      // while PostgreSQL stopped may still have committed.
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      const { rows } = await client.query<{ key: string; created: string }>(
        "SELECT o.id AS key, extract(epoch FROM u.created_at) * 1000 AS created FROM users u JOIN outbox_messages o ON o.payload->>'to' = u.email",
      );
      await client.end();
      const createdAt = new Map(rows.map((row) => [row.key, Number(row.created)]));
      const all = await waitUntil(() => {
        const now = [...stopped, emailService].flatMap(deliveries);
        return new Set(now.map(({ key }) => key)).size >= createdAt.size ? now : undefined;
      }, 60_000);
      const drainedMs = Date.now() - loadEnded;
      const perKey = new Map<string, number>();
      for (const { key } of all) perKey.set(key, (perKey.get(key) ?? 0) + 1);
      expect([...perKey].filter(([, count]) => count !== 1)).toEqual([]);
      expect([...createdAt.keys()].filter((key) => !perKey.has(key))).toEqual([]);

      const delays = all.map(({ key, at }) => at - createdAt.get(key)!).sort((a, b) => a - b);
      const median = delays[Math.floor(delays.length / 2)];
      console.log(
        `outbox: ${createdAt.size} users from ${statuses.length} signups in ${SECONDS} s; delay median ${median} ms, p99 ${delays[Math.floor(delays.length * 0.99)]} ms, max ${delays.at(-1)} ms; all sent ${drainedMs} ms after the load`,
      );
      expect(median).toBeLessThan(1_000);
      expect(drainedMs).toBeLessThan(10_000);
    },
    180_000 + SECONDS * 2_000,
  );
});
