import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../../testing/index.js';
import { contextFields, contextFrom, metadataOfJsonPayload, withContextFields } from './carriers.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('message carriers', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  const parentOf = (fields: unknown) => trace.getSpanContext(contextFrom(fields));

  it('writes the active context as W3C fields, and nothing without one', () => {
    const active = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    expect(contextFields(active)).toEqual({ traceparent: TRACEPARENT });
    expect(contextFields(context.active())).toBeUndefined();
  });

  it.each([
    ['a plain object (packet metadata, RabbitMQ headers)', { traceparent: TRACEPARENT }],
    ['Buffer values (Kafka, RabbitMQ)', { traceparent: Buffer.from(TRACEPARENT) }],
    ['a repeated MQTT 5 user property', { traceparent: [TRACEPARENT] }],
    ['NATS headers', { keys: () => ['traceparent'], get: (key: string) => (key === 'traceparent' ? TRACEPARENT : ''), set: () => undefined }],
  ])('reads the sender’s context from %s', (_, fields) => {
    expect(parentOf(fields)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
  });

  it.each([undefined, null, 'traceparent', 42, [TRACEPARENT], { traceparent: 'garbage' }, {}])('starts from the root context given %p', (fields) => {
    expect(parentOf(fields)).toBeUndefined();
  });

  it('extracts on the root context, never on the one active where the message arrived', () => {
    const unrelated = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    expect(context.with(unrelated, () => parentOf(undefined))).toBeUndefined();
  });

  it('reads an MQTT 3.1.1 packet’s metadata back from its JSON payload only when it holds a traceparent', () => {
    const packet = { pattern: 'sum', data: { a: 1 }, id: '1', metadata: { traceparent: TRACEPARENT } };
    expect(metadataOfJsonPayload(Buffer.from(JSON.stringify(packet)))).toEqual({ traceparent: TRACEPARENT });
    expect(metadataOfJsonPayload(JSON.stringify({ pattern: 'sum', data: { metadata: 1 } }))).toBeUndefined();
    expect(metadataOfJsonPayload(Buffer.from('{"traceparent": not json'))).toBeUndefined();
    expect(metadataOfJsonPayload(undefined)).toBeUndefined();
  });

  it('adds the fields to a packet’s metadata without changing the app’s own', () => {
    const own = { tenant: 'acme' };
    expect(withContextFields(own, { traceparent: TRACEPARENT })).toEqual({ tenant: 'acme', traceparent: TRACEPARENT });
    expect(own).toEqual({ tenant: 'acme' });
    expect(withContextFields(undefined, { traceparent: TRACEPARENT })).toEqual({ traceparent: TRACEPARENT });
    expect(withContextFields('opaque', { traceparent: TRACEPARENT })).toBe('opaque');
  });
});
