import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeTraceRequest } from '@app/test-support';
import { serializeTraceRequest } from './span-serializer.js';

const REMOTE_PARENT = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=value,other=1'),
};

function recordSpans(record: (provider: TracerProvider) => void, resourceAttributes = { 'service.name': 'serializer-test' }): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resourceAttributes),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  record(provider);
  return memory.getFinishedSpans();
}

/** Every field and value type the SDK can produce, with lengths on both sides of the varint boundaries. */
function varietyOfSpans(): ReadableSpan[] {
  return recordSpans((provider) => {
    const tracer = provider.getTracer('nestjs-tracing', '1.2.3');
    const server = tracer.startSpan(
      'GET /users/:id',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.route': '/users/:id',
          'http.response.status_code': 200,
          negative: -42,
          large: 2 ** 40,
          'max.safe': Number.MAX_SAFE_INTEGER,
          ratio: 0.25,
          'not.a.number': Number.NaN,
          huge: 1e300,
          cached: false,
          tags: ['a', 'ü', ''],
          numbers: [1, -2, 3.5],
          flags: [true, false],
          unicode: 'naïve café ☕ 𝄞',
          'long.127': 'x'.repeat(127),
          'long.128': 'y'.repeat(128),
          'long.20000': 'z'.repeat(20_000),
          empty: '',
        },
      },
      trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT),
    );
    server.addEvent('cache.miss', { key: 'user:1', attempt: 2 });
    server.addEvent('no attributes');
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'boom ✗' });
    const child = tracer.startSpan(
      'UsersService.findOne',
      {
        links: [{ context: REMOTE_PARENT, attributes: { 'link.reason': 'batch' } }, { context: { ...REMOTE_PARENT, traceState: undefined, isRemote: false } }],
      },
      trace.setSpan(ROOT_CONTEXT, server),
    );
    child.end();
    server.end();
    const other = provider.getTracer('@opentelemetry/instrumentation-ioredis');
    const redis = other.startSpan('get', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis' } });
    redis.setStatus({ code: SpanStatusCode.OK });
    redis.end();
  });
}

describe('serializeTraceRequest', () => {
  it('writes exactly the bytes of the SDK serializer', () => {
    const spans = varietyOfSpans();
    expect(Buffer.from(serializeTraceRequest(spans))).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));
  });

  it('groups spans by resource and scope like the SDK, across a batch larger than its initial buffer', () => {
    const spans = [
      ...recordSpans((provider) => {
        for (let index = 0; index < 300; index++)
          provider
            .getTracer(`scope-${index % 3}`)
            .startSpan(`span ${index}`, { attributes: { index } })
            .end();
      }),
      ...recordSpans((provider) => provider.getTracer('scope-0').startSpan('elsewhere').end(), { 'service.name': 'another' }),
    ];
    const bytes = serializeTraceRequest(spans);
    expect(Buffer.from(bytes)).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));
    expect(decodeTraceRequest(bytes).map((span) => span.resource['service.name'])).toContain('another');
  });

  it('round-trips through an independent decoder', () => {
    const [, server] = varietyOfSpans();
    const decoded = decodeTraceRequest(serializeTraceRequest([server])).at(0)!;
    expect(decoded).toMatchObject({
      traceId: REMOTE_PARENT.traceId,
      parentSpanId: REMOTE_PARENT.spanId,
      name: 'GET /users/:id',
      kind: SpanKind.SERVER + 1,
      status: { code: SpanStatusCode.ERROR, message: 'boom ✗' },
      scope: 'nestjs-tracing',
      resource: { 'service.name': 'serializer-test' },
    });
    expect(decoded.attributes).toMatchObject({ negative: -42, large: 2 ** 40, ratio: 0.25, unicode: 'naïve café ☕ 𝄞', tags: ['a', 'ü', ''] });
    expect(decoded.attributes['long.20000']).toHaveLength(20_000);
    expect(decoded.startTimeUnixNano).toBe(BigInt(server.startTime[0]) * 1_000_000_000n + BigInt(server.startTime[1]));
    expect(decoded.events.map((event) => event.name)).toEqual(['cache.miss', 'no attributes']);
  });
});
