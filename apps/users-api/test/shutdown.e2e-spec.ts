import { Agent, request as httpRequest } from 'node:http';
import { type PreloadedProcess, TraceReceiver } from '@app/test-support';
import { createDatabase, REDIS_URL, startEmailService, startUsersApi, tracingEnv } from './support/sample-system.js';

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: () => string;
  headers?: () => Record<string, string>;
}

/** One call over `agent`'s kept-alive connections: the status and trace id, or undefined when refused. */
function send(agent: Agent, base: string, call: Call): Promise<{ status: number; traceId?: string } | undefined> {
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', ...call.headers?.() };
    const sent = httpRequest(new URL(call.path, base), { agent, method: call.method, headers }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode!, traceId: response.headers['x-trace-id'] as string | undefined }));
    });
    sent.once('error', () => resolve(undefined));
    sent.end(call.body?.());
  });
}

const email: Call = {
  method: 'POST',
  path: '/emails',
  body: () => JSON.stringify({ to: 'keep-alive@example.com', subject: 'Hello', body: 'Hi' }),
  headers: () => ({ 'idempotency-key': crypto.randomUUID() }),
};

/**
 * SIGTERM while clients keep their connections busy, as a pooled HTTP client or the outbox does:
 * Node's `server.close()` alone kept serving such connections for as long as they sent (the email
 * service answered thousands of requests after the signal and never exited).
 */
describe.each([
  { service: 'email-service', call: email, start: (env: Record<string, string>) => startEmailService({ ...env, EMAIL_LATENCY_MS: '20' }) },
  { service: 'users-api', call: { method: 'GET', path: '/ping' } as Call, start: null },
])('$service on SIGTERM under keep-alive load', ({ service, call, start }) => {
  let receiver: TraceReceiver;
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
  let app: PreloadedProcess;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    if (start) app = await start(tracingEnv(receiver));
    else {
      database = await createDatabase();
      app = await startUsersApi(tracingEnv(receiver, { DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: 'http://127.0.0.1:9' }));
    }
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    await receiver?.close();
  });

  it('stops taking requests on busy connections, exits within seconds, and exports the spans of every request it answered', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const answered: string[] = [];
    let sending = true;
    // Eight clients that never pause: each kept-alive connection always has a request in flight or about to be.
    const clients = Array.from({ length: 8 }, async () => {
      while (sending) {
        const answer = await send(agent, app.url, call);
        if (answer && answer.status < 300 && answer.traceId) answered.push(answer.traceId);
        if (!answer) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const signalled = performance.now();
    app.child.kill('SIGTERM');
    const code = await Promise.race([
      new Promise<number | string | null>((resolve) => app.child.once('close', (exit, signal) => resolve(exit ?? signal))),
      new Promise<string>((resolve) => setTimeout(() => resolve(`still running 10 s after SIGTERM (${service})`), 10_000)),
    ]);
    const exitMs = performance.now() - signalled;
    sending = false;
    await Promise.all(clients);
    agent.destroy();

    // Nest re-raises the signal once closed; the preload then flushes and ends by it.
    expect([0, 'SIGTERM']).toContain(code);
    expect(exitMs).toBeLessThan(5_000);
    expect(answered.length).toBeGreaterThan(50);
    const exported = new Set(receiver.spans.filter((span) => span.kind === 2).map((span) => span.traceId));
    expect(answered.filter((traceId) => !exported.has(traceId))).toEqual([]);
  }, 60_000);
});
