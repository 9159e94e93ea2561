import { storedSpan } from '../../test/support/stored-spans.js';
import { TraceStore } from '../store/trace-store.js';
import { dependencyLinks, findTraces, parseDependenciesQuery, parseGoDuration, parseTraceQuery, QueryError } from './jaeger-query.js';

const NOW = 1_700_000_100_000_000;

function refusal(parameters: Record<string, string | string[]>): string {
  try {
    parseTraceQuery(parameters, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    return (error as Error).message;
  }
  return 'parsed';
}

describe("Jaeger's trace query", () => {
  it('reads Go durations as Jaeger does', () => {
    expect(parseGoDuration('1.5s', 'minDuration')).toBe(1_500_000);
    expect(parseGoDuration('250ms', 'minDuration')).toBe(250_000);
    expect(parseGoDuration('1h30m', 'minDuration')).toBe(5_400_000_000);
    expect(parseGoDuration('900us', 'minDuration')).toBe(900);
    expect(() => parseGoDuration('10', 'minDuration')).toThrow('cannot parse minDuration: time: invalid duration "10"');
  });

  it('refuses what Jaeger refuses, with its messages', () => {
    expect(refusal({})).toBe("parameter 'service' is required");
    expect(refusal({ service: 's', minDuration: '2s', maxDuration: '1s' })).toBe("'maxDuration' should be greater than 'minDuration'");
    expect(refusal({ service: 's', tags: '{"a":' })).toMatch(/^malformed 'tags' parameter, cannot unmarshal JSON/);
    expect(refusal({ service: 's', tags: '{"a":1}' })).toMatch(/^malformed 'tags' parameter/);
    expect(refusal({ service: 's', tag: 'novalue' })).toBe("malformed 'tag' parameter, expecting key:value, received: novalue");
    expect(refusal({ service: 's', limit: 'ten' })).toMatch(/^cannot parse limit/);
    expect(refusal({ traceID: 'xyz' })).toBe('cannot parse traceID param: xyz');
    expect(refusal({ traceID: 'abc' })).toBe('parsed');
  });

  it("defaults to the last two days and 100 traces; reads start/end in µs and the UI's lookback", () => {
    expect(parseTraceQuery({ service: 's' }, NOW)).toMatchObject({ startUs: NOW - 172_800_000_000, endUs: NOW, limit: 100, tags: {} });
    expect(parseTraceQuery({ service: 's', lookback: '1h' }, NOW)).toMatchObject({ startUs: NOW - 3_600_000_000 });
    expect(parseTraceQuery({ service: 's', start: '5', end: '9', tag: ['a:b:c'], tags: '{"d":"e"}' }, NOW)).toMatchObject({
      startUs: 5,
      endUs: 9,
      tags: { a: 'b:c', d: 'e' },
    });
    expect(parseDependenciesQuery({ endTs: '1000', lookback: '60000' }, NOW)).toEqual({ endUs: 1_000_000, lookbackUs: 60_000_000 });
  });

  it('finds a trace when one of its spans meets every condition, tags derived from OTLP included', () => {
    const store = new TraceStore({ memoryBudgetBytes: 1_000_000 });
    const traceId = 'c'.repeat(32);
    store.addSpans([
      storedSpan({
        traceId,
        spanId: '1'.repeat(16),
        name: 'POST /users',
        startUs: NOW - 1_000,
        durationUs: 120_000,
        attributes: { 'http.response.status_code': 500 },
        status: { code: 2, message: 'boom' },
      }),
      storedSpan({
        traceId,
        spanId: '2'.repeat(16),
        name: 'POST /emails',
        service: 'email-service',
        startUs: NOW - 900,
        durationUs: 5_000,
        status: { code: 1, message: '' },
      }),
    ]);
    const found = (parameters: Record<string, string>) => findTraces(store, parseTraceQuery(parameters, NOW)).map((trace) => trace.traceId);
    expect(found({ service: 'users-api' })).toEqual([traceId]);
    expect(found({ service: 'users-api', tags: '{"error":"true","http.response.status_code":"500"}' })).toEqual([traceId]);
    // error=false asks for an OK status, as in Jaeger; the users-api span's is an error.
    expect(found({ service: 'users-api', tags: '{"error":"false"}' })).toEqual([]);
    expect(found({ service: 'users-api', tags: '{"service.name":"users-api"}' })).toEqual([traceId]);
    // The conditions hold on one span: the users-api span is not the 5 ms one.
    expect(found({ service: 'users-api', maxDuration: '10ms' })).toEqual([]);
    expect(found({ service: 'email-service', maxDuration: '10ms', operation: 'POST /emails' })).toEqual([traceId]);
    expect(found({ service: 'users-api', minDuration: '100ms', maxDuration: '1s' })).toEqual([traceId]);
    expect(found({ service: 'users-api', end: String(NOW - 5_000) })).toEqual([]);
    expect(found({ service: 'email-service', tags: '{"error":"false"}' })).toEqual([traceId]);
    expect(found({ traceID: traceId })).toEqual([traceId]);
  });

  it('counts dependency links over every parent and child, same-service pairs included, of the traces within the window', () => {
    const store = new TraceStore({ memoryBudgetBytes: 1_000_000 });
    const traceId = 'd'.repeat(32);
    store.addSpans([
      storedSpan({ traceId, spanId: '1'.repeat(16), startUs: NOW - 1_000, durationUs: 500 }),
      storedSpan({ traceId, spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), startUs: NOW - 900, durationUs: 100 }),
      storedSpan({ traceId, spanId: '3'.repeat(16), parentSpanId: '2'.repeat(16), service: 'email-service', startUs: NOW - 800, durationUs: 50 }),
      storedSpan({ traceId, spanId: '4'.repeat(16), parentSpanId: 'f'.repeat(16), service: 'email-service', startUs: NOW - 800, durationUs: 50 }),
    ]);
    expect(dependencyLinks(store.newestFirst(), { endUs: NOW, lookbackUs: 10_000 })).toEqual([
      { parent: 'users-api', child: 'users-api', callCount: 1 },
      { parent: 'users-api', child: 'email-service', callCount: 1 },
    ]);
    expect(dependencyLinks(store.newestFirst(), { endUs: NOW - 600, lookbackUs: 10_000 })).toEqual([]);
  });
});
