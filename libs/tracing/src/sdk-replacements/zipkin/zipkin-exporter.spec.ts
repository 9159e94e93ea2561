import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { makeSpans } from '../../../test/span-factory.js';
import { TraceReceiver } from '@app/test-support';
import { ZipkinExporter } from './zipkin-exporter.js';
import { toMicroseconds } from './zipkin-span.js';

/** The Zipkin v2 `Span` rules (openzipkin/zipkin-api zipkin2-api.yaml), patterns anchored. */
function expectValidZipkinSpan(span: Record<string, unknown>): void {
  expect(span.traceId).toMatch(/^[a-f0-9]{16}([a-f0-9]{16})?$/);
  expect(span.id).toMatch(/^[a-f0-9]{16}$/);
  if (span.parentId !== undefined) expect(span.parentId).toMatch(/^[a-f0-9]{16}$/);
  if (span.kind !== undefined) expect(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']).toContain(span.kind);
  expect(Number.isInteger(span.timestamp)).toBe(true);
  expect(Number.isInteger(span.duration)).toBe(true);
  expect(span.duration as number).toBeGreaterThanOrEqual(1);
  for (const value of Object.values(span.tags as object)) expect(typeof value).toBe('string');
}

function exportOnce(exporter: ZipkinExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('ZipkinExporter', () => {
  let receiver: TraceReceiver;
  beforeEach(async () => {
    receiver = await TraceReceiver.start();
  });
  afterEach(() => receiver.close());

  const exporterFor = (timeoutMillis = 2000, maxInFlight = 2) => new ZipkinExporter({ url: receiver.url('/api/v2/spans'), timeoutMillis, maxInFlight });

  it('sends spans the Zipkin v2 API accepts, with ids, parents, kinds and tags', async () => {
    const spans = makeSpans(1);
    const result = await exportOnce(exporterFor(), spans);

    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.contentTypes).toEqual(['application/json']);
    expect(receiver.zipkinSpans).toHaveLength(2);
    receiver.zipkinSpans.forEach(expectValidZipkinSpan);
    const [child, parent] = receiver.zipkinSpans;
    expect(parent).toMatchObject({ name: 'GET /users/:id', kind: 'SERVER', localEndpoint: { serviceName: 'exporter-test' } });
    expect(child).toMatchObject({
      name: 'UsersController.findOne',
      parentId: parent.id,
      traceId: parent.traceId,
      tags: { retries: '2', cached: 'true', tags: '["a","b"]', error: 'boom', 'otel.status_code': 'ERROR' },
      annotations: [{ value: 'cache.miss {"key":"user:1"}' }],
    });
    expect(child.kind).toBeUndefined();
  });

  it('never sends a fractional timestamp or a zero duration', async () => {
    const [span] = makeSpans(1);
    const instant = Object.create(span, {
      startTime: { value: [1_700_000_000, 123_456_789] },
      duration: { value: [0, 400] },
    });
    await exportOnce(exporterFor(), [instant]);
    expect(receiver.zipkinSpans[0]).toMatchObject({ timestamp: 1_700_000_000_123_456, duration: 1 });
    expect(toMicroseconds([2, 999_999_999])).toBe(2_999_999);
  });

  it('fails the export when Zipkin answers 5xx', async () => {
    receiver.mode = 'fail';
    const result = await exportOnce(exporterFor(), makeSpans(1));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toContain('503');
  });

  it('times out a request Zipkin never answers', async () => {
    receiver.mode = 'hang';
    const result = await exportOnce(exporterFor(100), makeSpans(1));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.name).toBe('TimeoutError');
  });

  it('refuses a new export at once while the in-flight cap is reached', async () => {
    receiver.mode = 'hang';
    const exporter = exporterFor(300, 1);
    const first = exportOnce(exporter, makeSpans(1));
    const second = await exportOnce(exporter, makeSpans(1));
    expect(second.code).toBe(ExportResultCode.FAILED);
    expect(second.error?.message).toContain('in flight');
    expect((await first).code).toBe(ExportResultCode.FAILED);
    expect(receiver.requests).toBe(1);
  });
});
