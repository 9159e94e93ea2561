import { hrTimeToMicroseconds } from '@opentelemetry/core';
import { randomBytes } from 'node:crypto';
import { encodeLogs, encodeTraces, makeTelemetry } from '../../test/support/telemetry-factory.js';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DecodeError, decodeLogs, decodeTraces, encodingOf } from './decode.js';

/** The span with its first link pointing at a span id of another length. */
function withLinkSpanId(span: ReadableSpan, spanId: string): ReadableSpan {
  return Object.create(span, { links: { value: span.links.map((link) => ({ ...link, context: { ...link.context, spanId } })) } }) as ReadableSpan;
}

describe('OTLP decoding', () => {
  const telemetry = makeTelemetry();

  it.each(['protobuf', 'json'] as const)("decodes the SDK exporters' %s trace requests field by field", (encoding) => {
    const spans = decodeTraces(encodeTraces[encoding](telemetry.spans), encoding);
    const [query, server] = spans;
    const sdkServer = telemetry.spans[1];
    expect(server).toMatchObject({
      traceId: sdkServer.spanContext().traceId,
      spanId: sdkServer.spanContext().spanId,
      parentSpanId: '',
      name: 'POST /users',
      kind: 2,
      startUs: Math.floor(hrTimeToMicroseconds(sdkServer.startTime)),
      attributes: { 'http.route': '/users', 'http.response.status_code': 500, ratio: 0.25, cached: false, tags: ['a', 'b'], html: '<script>alert(1)</script>' },
      status: { code: 2, message: '' },
      scope: { name: 'explorer-test', version: '0.1.0' },
      resource: { serviceName: 'users-api', attributes: { 'service.name': 'users-api', 'service.version': '1.2.3', 'deployment.environment.name': 'test' } },
    });
    expect(server.durationUs).toBeGreaterThanOrEqual(query.durationUs);
    expect(query).toMatchObject({ parentSpanId: server.spanId, kind: 3, status: { code: 2, message: 'value too long' } });
    expect(query.events).toEqual([
      {
        timeUs: expect.any(Number),
        name: 'exception',
        attributes: {
          'exception.type': 'TypeError',
          'exception.message': 'value too long',
          'exception.stacktrace': expect.stringContaining('TypeError: value too long'),
        },
      },
    ]);
    expect(query.links).toEqual([{ traceId: server.traceId, spanId: server.spanId, attributes: { reason: 'retry' } }]);
    // Every span of a resource shares one resource object.
    expect(query.resource).toBe(server.resource);
  });

  it.each(['protobuf', 'json'] as const)('decodes %s log records with their trace, severity and body as text', (encoding) => {
    const [correlated, plain] = decodeLogs(encodeLogs[encoding](telemetry.logs), encoding);
    expect(correlated).toMatchObject({
      traceId: telemetry.spans[1].spanContext().traceId,
      spanId: telemetry.spans[1].spanContext().spanId,
      severityNumber: 17,
      severityText: 'error',
      body: 'could not create user',
      attributes: { route: '/users' },
      resource: { serviceName: 'users-api' },
    });
    expect(correlated.timeUs).toBeGreaterThan(1_600_000_000_000_000);
    expect(plain).toMatchObject({ traceId: '', spanId: '', body: '{"structured":true}' });
  });

  it("knows OTLP/HTTP's two content types and nothing else", () => {
    expect(encodingOf('application/x-protobuf')).toBe('protobuf');
    expect(encodingOf('application/json; charset=utf-8')).toBe('json');
    expect(encodingOf('text/plain')).toBeUndefined();
    expect(encodingOf(undefined)).toBeUndefined();
  });

  it('refuses, with a DecodeError and nothing else, every truncation of a valid request and random bytes', () => {
    const valid = encodeTraces.protobuf(telemetry.spans);
    const outcomes = new Set<string>();
    for (let length = 0; length < valid.length; length++) {
      try {
        decodeTraces(valid.subarray(0, length), 'protobuf');
        outcomes.add('decoded');
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError);
        outcomes.add('refused');
      }
    }
    expect(outcomes).toEqual(new Set(['decoded', 'refused']));
    for (let round = 0; round < 2_000; round++) {
      try {
        decodeTraces(randomBytes(1 + (round % 300)), 'protobuf');
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError);
      }
    }
  });

  it.each(['protobuf', 'json'] as const)(
    'applies the same rules on ids in %s: a bad link refuses the request, a bad log id is dropped from its record',
    (encoding) => {
      const [query, server] = decodeTraces(encodeTraces[encoding](telemetry.spans), encoding);
      // Re-encoded with a link of 7 bytes, in whichever encoding is under test.
      const badLink = { ...query, links: [{ traceId: server.traceId, spanId: server.spanId.slice(0, 14), attributes: {} }] };
      const traceBody =
        encoding === 'json'
          ? Buffer.from(
              JSON.stringify({
                resourceSpans: [
                  {
                    resource: { attributes: [] },
                    scopeSpans: [
                      {
                        scope: { name: 'test' },
                        spans: [
                          {
                            traceId: badLink.traceId,
                            spanId: badLink.spanId,
                            name: 'x',
                            startTimeUnixNano: '1',
                            endTimeUnixNano: '2',
                            links: badLink.links.map(({ traceId, spanId }) => ({ traceId, spanId })),
                          },
                        ],
                      },
                    ],
                  },
                ],
              }),
            )
          : encodeTraces.protobuf([withLinkSpanId(telemetry.spans[0], server.spanId.slice(0, 14))]);
      expect(() => decodeTraces(traceBody, encoding)).toThrow('span 0: links[0] must have a 16-byte traceId and an 8-byte spanId');

      const logBody =
        encoding === 'json'
          ? Buffer.from(
              JSON.stringify({
                resourceLogs: [
                  {
                    resource: { attributes: [] },
                    scopeLogs: [{ logRecords: [{ timeUnixNano: '1000000', traceId: 'a'.repeat(31), spanId: server.spanId, body: { stringValue: 'kept' } }] }],
                  },
                ],
              }),
            )
          : encodeLogs.protobuf([Object.create(telemetry.logs[0], { spanContext: { value: { ...telemetry.logs[0].spanContext!, traceId: 'a'.repeat(30) } } })]);
      const [log] = decodeLogs(logBody, encoding);
      expect(log.traceId).toBe('');
    },
  );

  it('names the field of a JSON body with the wrong shape', () => {
    const refusal = (body: unknown) => {
      try {
        decodeTraces(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), 'json');
      } catch (error) {
        return (error as Error).message;
      }
      return 'decoded';
    };
    expect(refusal('{"resourceSpans": [')).toMatch(/^body is not JSON/);
    expect(refusal({ resourceSpans: {} })).toBe('resourceSpans must be an array');
    expect(refusal({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: '0123456789abcdef' }] }] }] })).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].traceId must be hex digits',
    );
    expect(refusal({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(15), spanId: '01'.repeat(8) }] }] }] })).toBe(
      'span 0: traceId must be 16 bytes, not all zero',
    );
    expect(refusal({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: '01'.repeat(8), startTimeUnixNano: 'soon' }] }] }] })).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano must be a nanosecond timestamp',
    );
    expect(refusal({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16) }] }] }] })).toBe('span 0: spanId must be 8 bytes');
    let nested: unknown = { stringValue: 'deep' };
    for (let depth = 0; depth < 40; depth++) nested = { arrayValue: { values: [nested] } };
    expect(
      refusal({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: '01'.repeat(8), attributes: [{ key: 'deep', value: nested }] }] }] }],
      }),
    ).toMatch(/nested deeper than 16/);
  });

  /** One span with `count` attributes, in either encoding (protobuf written field by field). */
  const wideSpan = (encoding: 'protobuf' | 'json', count: number): Buffer => {
    const traceId = 'ab'.repeat(16);
    const spanId = '01'.repeat(8);
    if (encoding === 'json') {
      const attributes = Array.from({ length: count }, (_, index) => ({ key: `a${index}`, value: { stringValue: 'x' } }));
      return Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId, attributes }] }] }] }));
    }
    const varint = (value: number) => {
      const bytes: number[] = [];
      for (; value > 127; value = Math.floor(value / 128)) bytes.push((value % 128) | 128);
      return [...bytes, value];
    };
    const field = (number: number, content: Buffer) => Buffer.concat([Buffer.from([(number << 3) | 2, ...varint(content.length)]), content]);
    const attributes = Array.from({ length: count }, (_, index) =>
      field(9, Buffer.concat([field(1, Buffer.from(`a${index}`)), field(2, field(1, Buffer.from('x')))])),
    );
    const span = Buffer.concat([field(1, Buffer.from(traceId, 'hex')), field(2, Buffer.from(spanId, 'hex')), ...attributes]);
    return field(1, field(2, field(2, span)));
  };

  it.each(['protobuf', 'json'] as const)('takes an attribute list of 200 000 entries in %s and refuses a longer one', (encoding) => {
    expect(Object.keys(decodeTraces(wideSpan(encoding, 200_000), encoding)[0].attributes)).toHaveLength(200_000);
    expect(() => decodeTraces(wideSpan(encoding, 200_001), encoding)).toThrow(/has more than 200000 entries$/);
  });
});
