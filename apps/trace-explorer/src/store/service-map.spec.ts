import { storedSpan } from '../../test/support/stored-spans.js';
import { buildServiceMap } from './service-map.js';
import { TraceStore } from './trace-store.js';

describe('buildServiceMap', () => {
  it('draws services, their databases and external peers, with calls, errors and p95 per edge', () => {
    const store = new TraceStore({ memoryBudgetBytes: 10_000_000 });
    for (let index = 0; index < 20; index++) {
      const traceId = (index + 1).toString(16).padStart(32, '0');
      const server = storedSpan({ traceId, name: 'POST /users' });
      const client = storedSpan({
        traceId,
        parentSpanId: server.spanId,
        kind: 3,
        name: 'POST',
        durationUs: (index + 1) * 1_000,
        attributes: { 'server.address': 'localhost', 'server.port': 3001 },
        status: { code: index === 0 ? 2 : 0, message: '' },
      });
      const remote = storedSpan({ traceId, parentSpanId: client.spanId, service: 'email-service', name: 'POST /emails', durationUs: 500 });
      const insert = storedSpan({ traceId, parentSpanId: server.spanId, kind: 3, name: 'INSERT', attributes: { 'db.system.name': 'postgresql' } });
      const cache = storedSpan({ traceId, parentSpanId: server.spanId, kind: 3, name: 'get', attributes: { 'db.system': 'redis' } });
      const webhook = storedSpan({
        traceId,
        parentSpanId: remote.spanId,
        service: 'email-service',
        kind: 3,
        name: 'POST',
        attributes: { 'server.address': 'hooks.example.com', 'server.port': 443 },
      });
      store.addSpans([server, client, remote, insert, cache, webhook]);
    }
    const map = buildServiceMap(store.newestFirst());
    expect(map.nodes).toEqual([
      { id: 'database:postgresql', name: 'postgresql', kind: 'database' },
      { id: 'database:redis', name: 'redis', kind: 'database' },
      { id: 'external:hooks.example.com:443', name: 'hooks.example.com:443', kind: 'external' },
      { id: 'service:email-service', name: 'email-service', kind: 'service' },
      { id: 'service:users-api', name: 'users-api', kind: 'service' },
    ]);
    const edge = (from: string, to: string) => map.edges.find((candidate) => candidate.from === from && candidate.to === to);
    // The call as users-api's client span saw it: 1..20 ms, the first one failed.
    expect(edge('service:users-api', 'service:email-service')).toEqual({
      from: 'service:users-api',
      to: 'service:email-service',
      calls: 20,
      errors: 1,
      p95Us: 19_000,
    });
    expect(edge('service:users-api', 'database:postgresql')).toMatchObject({ calls: 20, errors: 0 });
    expect(edge('service:users-api', 'database:redis')).toMatchObject({ calls: 20 });
    expect(edge('service:email-service', 'external:hooks.example.com:443')).toMatchObject({ calls: 20 });
    // The client span that reached email-service is a service edge, not an external peer.
    expect(map.edges).toHaveLength(4);
  });

  it('draws a message to a traced consumer as a service edge, and one nobody traced consumes as an edge to its broker', () => {
    const store = new TraceStore({ memoryBudgetBytes: 10_000_000 });
    const traceId = '1'.padStart(32, '0');
    const server = storedSpan({ traceId, name: 'POST /orders', service: 'gateway' });
    const broker = { 'messaging.system': 'kafka', 'server.address': 'kafka', 'server.port': 9092 };
    const consumed = storedSpan({ traceId, parentSpanId: server.spanId, service: 'gateway', kind: 4, name: 'emit orders', attributes: broker });
    const consumer = storedSpan({ traceId, parentSpanId: consumed.spanId, service: 'billing', kind: 5, name: 'process orders' });
    const unread = storedSpan({ traceId, parentSpanId: server.spanId, service: 'gateway', kind: 4, name: 'emit audit', attributes: broker });
    store.addSpans([server, consumed, consumer, unread]);
    const { edges } = buildServiceMap(store.newestFirst());
    expect(edges.map(({ from, to, calls }) => [from, to, calls])).toEqual([
      ['service:gateway', 'service:billing', 1],
      ['service:gateway', 'external:kafka:9092', 1],
    ]);
  });
});
