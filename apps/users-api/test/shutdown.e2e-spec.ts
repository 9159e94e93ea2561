import { Agent, request as httpRequest } from 'node:http';
import { type PreloadedProcess, TraceReceiver } from 'nestjs-tracing/testing';
import { createDatabase, REDIS_URL, startUsersApi, tracingEnv } from './support/sample-system.js';

/** One GET over `agent`'s kept-alive connections: the status and trace id, or undefined when refused. */
function get(agent: Agent, url: URL): Promise<{ status: number; traceId?: string } | undefined> {
  return new Promise((resolve) => {
    const sent = httpRequest(url, { agent }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode!, traceId: response.headers['x-trace-id'] as string | undefined }));
    });
    sent.once('error', () => resolve(undefined));
    sent.end();
  });
}

describe('users-api on SIGTERM under keep-alive load', () => {
  let receiver: TraceReceiver;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let api: PreloadedProcess;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    database = await createDatabase();
    api = await startUsersApi(tracingEnv(receiver, { DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: 'http://127.0.0.1:9' }));
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
    await database?.drop();
    await receiver?.close();
  });

  it('stops taking requests on busy connections, exits within seconds, and exports the spans of every request it answered', async () => {
    const url = new URL('/ping', api.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const answered: string[] = [];
    let sending = true;
    // Eight clients that never pause: each kept-alive connection always has a request in flight or about to be.
    const clients = Array.from({ length: 8 }, async () => {
      while (sending) {
        const answer = await get(agent, url);
        if (answer?.status === 200 && answer.traceId) answered.push(answer.traceId);
        if (!answer) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const signalled = performance.now();
    api.child.kill('SIGTERM');
    const code = await new Promise<number | string | null>((resolve) => api.child.once('close', (exit, signal) => resolve(exit ?? signal)));
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
