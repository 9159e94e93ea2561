import { resolve } from 'node:path';
import { type PreloadedProcess, startWithPreload } from '@app/test-support';
import { type Jaeger, startJaeger } from './support/backends.js';

/** The app of the library's entry-point tests (`npm run build:test-fixtures`): GraphQL, jobs, events. */
const APOLLO_APP = resolve('libs/tracing/test/entry-points/dist/apollo.js');

/**
 * What users look for in Jaeger's search besides HTTP routes: a GraphQL operation by its name, a
 * scheduled job by its, in a real Jaeger v2 fed by `TRACING_EXPORTER=jaeger`.
 */
describe('GraphQL operations and scheduled jobs in Jaeger’s search', () => {
  let jaeger: Jaeger;
  let app: PreloadedProcess;

  beforeAll(async () => {
    jaeger = await startJaeger();
    app = await startWithPreload(APOLLO_APP, {
      PORT: '0',
      ENABLE_TRACING: 'true',
      TRACING_EXPORTER: 'jaeger',
      JAEGER_ENDPOINT: jaeger.otlpHttpUrl,
      OTEL_SERVICE_NAME: 'catalog',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await jaeger?.stop();
  });

  const jaegerApi = async <T>(path: string) => ((await (await fetch(`${jaeger.queryUrl}${path}`)).json()) as { data: T | null }).data;

  async function found<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`not in Jaeger within 20 s: ${what}`);
      await new Promise((done) => setTimeout(done, 250));
    }
  }

  it('lists the operation and the job among the service’s operations, and finds their traces by them', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query GetUser { user(id: "3") { id } }' }),
    });
    const traceId = response.headers.get('x-trace-id');
    const operations = await found(async () => {
      const names = (await jaegerApi<string[]>('/api/services/catalog/operations')) ?? [];
      return names.includes('query GetUser') && names.includes('interval heartbeat') ? names : undefined;
    }, 'the operations query GetUser and interval heartbeat');
    expect(operations).toEqual(expect.arrayContaining(['POST /graphql', 'UsersResolver.user']));

    const search = (operation: string) =>
      jaegerApi<{ traceID: string }[]>(`/api/traces?${new URLSearchParams({ service: 'catalog', operation, lookback: '1h', limit: '50' })}`);
    const byOperation = await found(async () => {
      const traces = (await search('query GetUser')) ?? [];
      return traces.some((trace) => trace.traceID === traceId) ? traces : undefined;
    }, `trace ${traceId} by its operation`);
    expect(byOperation.map((trace) => trace.traceID)).toEqual([traceId]);

    const jobRuns = (await search('interval heartbeat')) ?? [];
    expect(jobRuns.length).toBeGreaterThanOrEqual(1);
    expect(jobRuns.map((trace) => trace.traceID)).not.toContain(traceId);
  });
});
