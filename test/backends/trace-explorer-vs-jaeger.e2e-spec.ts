import { freePort, waitUntil } from '@app/test-support';

import { type ExplorerProcess, startExplorer } from '../../apps/trace-explorer/test/support/explorer-process.js';
import { type Jaeger, startJaeger } from './support/backends.js';

/**
 * The same OTLP sent to the real Jaeger v2 and to the trace explorer, then the same query API
 * calls to both: the explorer's answers must be Jaeger's, so Grafana's Jaeger data source and
 * Jaeger scripts read it unchanged.
 */

interface KeyValue {
  key: string;
  type: string;
  value: unknown;
}
interface Span {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: KeyValue[];
  logs: { timestamp: number; fields: KeyValue[] }[];
  processID: string;
}
interface Trace {
  traceID: string;
  spans: Span[];
  processes: Record<string, { serviceName: string; tags: KeyValue[] }>;
}

const byKey = (a: KeyValue, b: KeyValue) => a.key.localeCompare(b.key);

/** A trace with process ids resolved and lists in a stable order: what two stores may number differently. */
function comparable(trace: Trace) {
  return {
    traceID: trace.traceID,
    spans: [...trace.spans]
      .sort((a, b) => a.spanID.localeCompare(b.spanID))
      .map(({ processID, tags, logs, references, ...span }) => ({
        ...span,
        references,
        tags: [...tags].sort(byKey),
        logs: logs.map((log) => ({ ...log, fields: [...log.fields].sort(byKey) })),
        process: { serviceName: trace.processes[processID].serviceName, tags: [...trace.processes[processID].tags].sort(byKey) },
      })),
  };
}

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const ns = (offsetMs: number) => String(NOW_NS + BigInt(Math.round(offsetMs * 1_000_000)));
const string = (key: string, value: string) => ({ key, value: { stringValue: value } });
const TRACE_ID = '5b8efff798038103d269b633813fc60c';

/** Two services in one trace, with what OTLP can carry: kinds, statuses, events, a link, every value type. */
const REQUEST = {
  resourceSpans: [
    {
      resource: { attributes: [string('service.name', 'users-api'), string('service.version', '1.2.3'), { key: 'process.pid', value: { intValue: '4242' } }] },
      scopeSpans: [
        {
          scope: { name: 'nestjs-tracing', version: '0.1.0' },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: 'eee19b7ec3c1b174',
              name: 'POST /users',
              kind: 2,
              startTimeUnixNano: ns(0),
              endTimeUnixNano: ns(120.5),
              attributes: [
                string('http.route', '/users'),
                { key: 'http.response.status_code', value: { intValue: '500' } },
                { key: 'ratio', value: { doubleValue: 0.25 } },
                { key: 'cached', value: { boolValue: false } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
              ],
              status: { code: 2, message: 'boom' },
              events: [{ timeUnixNano: ns(3), name: 'exception', attributes: [string('exception.type', 'TypeError'), string('exception.message', 'boom')] }],
            },
            {
              traceId: TRACE_ID,
              spanId: 'eee19b7ec3c1b173',
              parentSpanId: 'eee19b7ec3c1b174',
              name: 'INSERT users',
              kind: 3,
              startTimeUnixNano: ns(5),
              endTimeUnixNano: ns(7.25),
              attributes: [string('db.system.name', 'postgresql')],
              status: { code: 1 },
              links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', attributes: [string('reason', 'retry')] }],
            },
            {
              traceId: TRACE_ID,
              spanId: 'eee19b7ec3c1b172',
              parentSpanId: 'eee19b7ec3c1b174',
              name: 'POST',
              kind: 3,
              startTimeUnixNano: ns(10),
              endTimeUnixNano: ns(60),
              attributes: [string('server.address', '127.0.0.1')],
            },
            {
              traceId: TRACE_ID,
              spanId: 'eee19b7ec3c1b171',
              parentSpanId: 'eee19b7ec3c1b174',
              name: 'UsersService.create',
              kind: 1,
              startTimeUnixNano: ns(1),
              endTimeUnixNano: ns(100),
            },
          ],
        },
      ],
    },
    {
      resource: { attributes: [string('service.name', 'email-service')] },
      scopeSpans: [
        {
          scope: { name: 'nestjs-tracing' },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: 'fff19b7ec3c1b170',
              parentSpanId: 'eee19b7ec3c1b172',
              name: 'POST /emails',
              kind: 2,
              startTimeUnixNano: ns(15),
              endTimeUnixNano: ns(50),
            },
          ],
        },
      ],
    },
  ],
};

describe('the trace explorer answers as the real Jaeger v2 does', () => {
  let jaeger: Jaeger;
  let explorer: ExplorerProcess;

  const both = async (path: string) => {
    const [fromJaeger, fromExplorer] = await Promise.all([fetch(`${jaeger.queryUrl}${path}`), fetch(`${explorer.url}${path}`)]);
    return {
      jaeger: { status: fromJaeger.status, body: (await fromJaeger.json()) as { data: unknown } },
      explorer: { status: fromExplorer.status, body: (await fromExplorer.json()) as { data: unknown } },
    };
  };

  beforeAll(async () => {
    [jaeger, explorer] = await Promise.all([startJaeger(), startExplorer({ TRACE_EXPLORER_PORT: String(await freePort()) })]);
    for (const url of [jaeger.otlpHttpUrl, `${explorer.url}/v1/traces`]) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(REQUEST) });
      expect(response.status).toBe(200);
    }
    await waitUntil(async () => ((await fetch(`${jaeger.queryUrl}/api/traces/${TRACE_ID}`)).status === 200 ? true : undefined), 20_000);
  }, 120_000);
  afterAll(async () => {
    await explorer?.stop();
    await jaeger?.stop();
  });

  it('/api/traces/{traceID}: the same spans, references, tags, logs and processes', async () => {
    const { jaeger: expected, explorer: actual } = await both(`/api/traces/${TRACE_ID}`);
    expect(actual.status).toBe(expected.status);
    expect(Object.keys(actual.body).sort()).toEqual(Object.keys(expected.body).sort());
    const [expectedTrace] = expected.body.data as Trace[];
    const [actualTrace] = actual.body.data as Trace[];
    expect(comparable(actualTrace)).toEqual(comparable(expectedTrace));
    // In Jaeger's order too.
    for (const span of expectedTrace.spans) {
      const mine = actualTrace.spans.find((candidate) => candidate.spanID === span.spanID)!;
      expect(mine.tags.map((tag) => tag.key)).toEqual(span.tags.map((tag) => tag.key));
      expect(mine.logs.map((log) => log.fields.map((field) => field.key))).toEqual(span.logs.map((log) => log.fields.map((field) => field.key)));
      expect(actualTrace.processes[mine.processID].tags.map((tag) => tag.key)).toEqual(expectedTrace.processes[span.processID].tags.map((tag) => tag.key));
    }
  });

  it('/api/services and /api/services/{service}/operations', async () => {
    const services = await both('/api/services');
    expect((services.explorer.body.data as string[]).sort()).toEqual((services.jaeger.body.data as string[]).sort());
    const operations = await both('/api/services/users-api/operations');
    expect((operations.explorer.body.data as string[]).sort()).toEqual((operations.jaeger.body.data as string[]).sort());
    const withKind = await both('/api/operations?service=users-api&spanKind=client');
    // Jaeger's memory store lists operations in Go map order, which changes from run to run.
    const byName = (data: unknown) => [...(data as { name: string }[])].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(withKind.explorer.body.data)).toEqual(byName(withKind.jaeger.body.data));
  });

  it.each([
    'service=users-api',
    'service=users-api&operation=INSERT%20users',
    `service=users-api&tags=${encodeURIComponent('{"error":"true"}')}`,
    `service=users-api&tags=${encodeURIComponent('{"http.response.status_code":"500"}')}`,
    `service=users-api&tags=${encodeURIComponent('{"service.version":"1.2.3"}')}`,
    `service=users-api&tags=${encodeURIComponent('{"error":"false"}')}`,
    `service=email-service&tags=${encodeURIComponent('{"error":"false"}')}`,
    `service=users-api&tags=${encodeURIComponent('{"span.kind":"server"}')}`,
    `service=users-api&tags=${encodeURIComponent('{"ratio":"0.25"}')}`,
    `service=users-api&tags=${encodeURIComponent('{"exception.type":"TypeError"}')}`,
    'service=users-api&minDuration=100ms',
    'service=users-api&minDuration=1s',
    'service=email-service&maxDuration=40ms',
    'service=email-service&maxDuration=10ms',
  ])('/api/traces?%s finds the same traces', async (query) => {
    const { jaeger: expected, explorer: actual } = await both(`/api/traces?${query}`);
    expect(actual.status).toBe(expected.status);
    const ids = (body: { data: unknown }) => (body.data as Trace[]).map((trace) => trace.traceID).sort();
    expect(ids(actual.body)).toEqual(ids(expected.body));
  });

  it.each(['/api/traces?operation=x', '/api/traces?service=users-api&minDuration=soon', '/api/traces?service=users-api&tags=%7B'])(
    '%s is refused alike',
    async (path) => {
      const { jaeger: expected, explorer: actual } = await both(path);
      expect(actual.status).toBe(expected.status);
      expect(Object.keys(actual.body).sort()).toEqual(Object.keys(expected.body).sort());
    },
  );

  it('a missing trace is a 404 in the same shape', async () => {
    const { jaeger: expected, explorer: actual } = await both(`/api/traces/${'1'.repeat(32)}`);
    expect(actual).toEqual(expected);
  });

  it('/api/dependencies: the same service pairs and call counts', async () => {
    const { jaeger: expected, explorer: actual } = await both(`/api/dependencies?endTs=${Date.now() + 60_000}&lookback=3600000`);
    const sorted = (data: unknown) =>
      [...(data as { parent: string; child: string }[])].sort((a, b) => `${a.parent} ${a.child}`.localeCompare(`${b.parent} ${b.child}`));
    expect(sorted(actual.body.data)).toEqual(sorted(expected.body.data));
    expect(actual.body.data).toHaveLength(2);
  });
});
