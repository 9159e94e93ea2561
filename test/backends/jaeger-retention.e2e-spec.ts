import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Jaeger, startJaeger } from './support/backends.js';

const SPAN_TTL_SECONDS = 20;

/**
 * Storage with retention on the real Jaeger: its embedded persistent store (Badger) with a span TTL.
 * In production the same idea is Elasticsearch/OpenSearch with index lifecycle (docker/README.md).
 */
describe('Jaeger v2 on Badger with a span TTL', () => {
  const directory = mkdtempSync(join(tmpdir(), 'jaeger-badger-'));
  let jaeger: Jaeger | undefined;

  afterAll(async () => {
    await jaeger?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  const start = () => startJaeger({ badger: { directory, spanTtl: `${SPAN_TTL_SECONDS}s` } });
  const stored = async (traceId: string) => (await fetch(`${jaeger!.queryUrl}/api/traces/${traceId}`)).status === 200;

  it('keeps traces across a restart and drops them once older than the TTL', async () => {
    jaeger = await start();
    const traceId = randomBytes(16).toString('hex');
    const now = BigInt(Date.now()) * 1_000_000n;
    const written = Date.now();
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'retention-test' } }] },
          scopeSpans: [
            {
              scope: { name: 'retention' },
              spans: [
                {
                  traceId,
                  spanId: randomBytes(8).toString('hex'),
                  name: 'kept',
                  kind: 2,
                  startTimeUnixNano: String(now),
                  endTimeUnixNano: String(now + 1_000_000n),
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(jaeger.otlpHttpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const until = async (condition: () => Promise<boolean>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) return false;
        await new Promise((done) => setTimeout(done, 250));
      }
      return true;
    };
    expect(await until(() => stored(traceId), 5_000)).toBe(true);

    await jaeger.stop();
    jaeger = await start();
    expect(Date.now() - written).toBeLessThan(SPAN_TTL_SECONDS * 1_000);
    expect(await stored(traceId)).toBe(true);

    expect(await until(async () => !(await stored(traceId)), (SPAN_TTL_SECONDS + 10) * 1_000)).toBe(true);
    // Badger keeps expiry times in whole seconds, so an entry can go up to a second early.
    expect(Date.now() - written).toBeGreaterThanOrEqual((SPAN_TTL_SECONDS - 2) * 1_000);
  }, 90_000);
});
