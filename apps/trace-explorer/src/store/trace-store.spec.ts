import { storedLog, storedSpan } from '../../test/support/stored-spans.js';
import { listTraces } from './trace-filter.js';
import { spanBytes, TraceStore } from './trace-store.js';
import { summarize } from './trace-summary.js';

const id = (index: number) => index.toString(16).padStart(32, '0');

describe('TraceStore', () => {
  it("keeps a trace's spans and log lines together, and counts the log lines it cannot place", () => {
    const store = new TraceStore({ memoryBudgetBytes: 1_000_000 });
    store.addLogs([storedLog({ traceId: id(1), body: 'before the spans' }), storedLog({ traceId: '', body: 'startup' })]);
    store.addSpans([storedSpan({ traceId: id(1) })]);
    expect(store.get(id(1))).toMatchObject({ spans: [{ name: 'GET /users/:id' }], logs: [{ body: 'before the spans' }] });
    expect(store.stats()).toMatchObject({ traces: 1, spans: 1, logs: 1, logsWithoutTrace: 1 });
  });

  it('evicts the oldest traces past its budget, counting what went, and stays within it', () => {
    // What a trace of two spans costs, its share of the resource and scope included, and what the resource cache holds.
    const probe = new TraceStore({ memoryBudgetBytes: 1_000_000 });
    const twoSpans = (index: number) => [storedSpan({ traceId: id(index) }), storedSpan({ traceId: id(index), parentSpanId: '1'.repeat(16) })];
    probe.addSpans(twoSpans(1));
    const first = probe.stats().estimatedBytes;
    probe.addSpans(twoSpans(2));
    const perTrace = probe.stats().estimatedBytes - first;
    expect(perTrace).toBeGreaterThan(spanBytes(storedSpan({})) * 2);
    const store = new TraceStore({ memoryBudgetBytes: perTrace * 10 + (first - perTrace) });
    for (let index = 1; index <= 25; index++)
      store.addSpans([storedSpan({ traceId: id(index) }), storedSpan({ traceId: id(index), parentSpanId: '1'.repeat(16) })]);
    const stats = store.stats();
    expect(stats.estimatedBytes).toBeLessThanOrEqual(stats.memoryBudgetBytes);
    expect(stats).toMatchObject({ traces: 10, spans: 20, evicted: { traces: 15, spans: 30, logs: 0 } });
    expect(store.get(id(15))).toBeUndefined();
    expect(store.get(id(16))).toBeDefined();
    expect([...store.newestFirst()].map((trace) => trace.traceId)[0]).toBe(id(25));
  });

  it('counts each trace’s resources and scopes and its own resource cache, so distinct large resources are evicted too', () => {
    const budget = 8_000_000;
    const store = new TraceStore({ memoryBudgetBytes: budget });
    for (let index = 1; index <= 100; index++) {
      // 200 000 characters each, 400 kB on the heap; every one distinct, as an attacker would send them.
      const own = { serviceName: 'svc', attributes: { 'service.name': 'svc', 'host.blob': `${index}:${'x'.repeat(200_000)}` } };
      store.addSpans([storedSpan({ traceId: id(index), resource: own, scope: { name: 'scope'.repeat(1_000), version: `${index}` } })]);
    }
    const stats = store.stats();
    expect(stats.estimatedBytes).toBeLessThanOrEqual(budget);
    expect(stats.traces).toBeLessThan(20);
    expect(stats.evicted.traces).toBe(100 - stats.traces);
  });

  it('summarises a trace from its root, or from its earliest orphan while the root is missing', () => {
    const store = new TraceStore({ memoryBudgetBytes: 1_000_000 });
    const start = 1_700_000_000_000_000;
    store.addSpans([
      storedSpan({
        traceId: id(1),
        spanId: '2'.repeat(16),
        parentSpanId: '1'.repeat(16),
        name: 'POST /emails',
        service: 'email-service',
        startUs: start + 10,
        durationUs: 50,
        status: { code: 2, message: '' },
      }),
    ]);
    expect(summarize(store.get(id(1))!)).toMatchObject({ rootName: 'POST /emails', rootMissing: true, errorCount: 1 });
    store.addSpans([storedSpan({ traceId: id(1), spanId: '1'.repeat(16), name: 'POST /users', startUs: start, durationUs: 100 })]);
    expect(summarize(store.get(id(1))!)).toMatchObject({
      rootService: 'users-api',
      rootName: 'POST /users',
      rootMissing: false,
      startUs: start,
      durationUs: 100,
      spanCount: 2,
      errorCount: 1,
      services: [
        { name: 'email-service', spans: 1 },
        { name: 'users-api', spans: 1 },
      ],
    });
  });

  it("names the GraphQL operation a trace's root request ran beside the root", () => {
    const store = new TraceStore({ memoryBudgetBytes: 1_000_000 });
    const start = 1_700_000_000_000_000;
    store.addSpans([
      storedSpan({ traceId: id(1), spanId: '1'.repeat(16), name: 'POST /graphql', startUs: start }),
      storedSpan({ traceId: id(1), spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), name: 'graphql.parse', startUs: start + 1 }),
      storedSpan({
        traceId: id(1),
        spanId: '3'.repeat(16),
        parentSpanId: '1'.repeat(16),
        name: 'query GetUser',
        startUs: start + 5,
        attributes: { 'graphql.operation.type': 'query' },
      }),
      storedSpan({
        traceId: id(1),
        spanId: '4'.repeat(16),
        parentSpanId: '3'.repeat(16),
        name: 'query Other',
        service: 'email-service',
        startUs: start + 2,
        attributes: { 'graphql.operation.type': 'query' },
      }),
      storedSpan({ traceId: id(2), name: 'GET /users/:id' }),
    ]);
    expect(summarize(store.get(id(1))!)).toMatchObject({ rootName: 'POST /graphql', rootOperation: 'query GetUser' });
    expect(summarize(store.get(id(2))!).rootOperation).toBeUndefined();
  });

  it('keeps a resent span once, and a different span under a known id beside the first', () => {
    const store = new TraceStore({ memoryBudgetBytes: 1_000_000 });
    const first = storedSpan({ traceId: id(1), spanId: '1'.repeat(16), name: 'GET /users/:id' });
    store.addSpans([first]);
    store.addSpans([storedSpan({ traceId: id(1), spanId: '1'.repeat(16), name: 'GET /users/:id', resource: first.resource })]);
    expect(store.get(id(1))!.spans).toHaveLength(1);
    store.addSpans([storedSpan({ traceId: id(1), spanId: '1'.repeat(16), name: 'another span, same id', resource: first.resource })]);
    expect(store.get(id(1))!.spans.map((span) => span.name)).toEqual(['GET /users/:id', 'another span, same id']);
    expect(store.stats().spans).toBe(2);
  });

  it('filters the list by service, operation, errors, duration, attribute and trace id', () => {
    const store = new TraceStore({ memoryBudgetBytes: 1_000_000 });
    store.addSpans([storedSpan({ traceId: id(1), name: 'GET /users/:id', durationUs: 2_000, attributes: { 'http.response.status_code': 200 } })]);
    store.addSpans([
      storedSpan({
        traceId: id(2),
        name: 'POST /users',
        durationUs: 90_000,
        status: { code: 2, message: '' },
        attributes: { 'http.response.status_code': 500 },
      }),
    ]);
    store.addSpans([storedSpan({ traceId: id(3), name: 'POST /emails', service: 'email-service', durationUs: 5_000 })]);
    const found = (filter: Parameters<typeof listTraces>[1]) => listTraces(store.newestFirst(), filter).map((summary) => summary.traceId);
    expect(found({ limit: 100 })).toEqual([id(3), id(2), id(1)]);
    expect(found({ limit: 2 })).toEqual([id(3), id(2)]);
    expect(found({ limit: 100, service: 'email-service' })).toEqual([id(3)]);
    expect(found({ limit: 100, operation: 'POST /users', service: 'email-service' })).toEqual([]);
    expect(found({ limit: 100, errorsOnly: true })).toEqual([id(2)]);
    expect(found({ limit: 100, minDurationMs: 3, maxDurationMs: 10 })).toEqual([id(3)]);
    expect(found({ limit: 100, attribute: { key: 'http.response.status_code', value: '500' } })).toEqual([id(2)]);
    expect(found({ limit: 100, attribute: { key: 'service.name', value: 'email-service' } })).toEqual([id(3)]);
    expect(found({ limit: 100, traceId: id(1) })).toEqual([id(1)]);
  });
});
