import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { libraryTracer } from '../runtime/library-tracer.js';
import { withSpan } from '../api/context-api.js';
import { SpanMetricsProcessor } from './span-metrics.processor.js';
import { TracingMetrics } from './tracing-metrics.js';

describe('SpanMetricsProcessor', () => {
  let tracing: TestTracing;
  let metrics: TracingMetrics;
  beforeEach(() => {
    tracing = setupTestTracing();
    metrics = new TracingMetrics(tracing.runtime, { defaultMetrics: true });
    tracing.runtime.attach([new SpanMetricsProcessor(metrics)]);
  });
  afterEach(() => tracing.shutdown());

  const scrape = () => metrics.registry.metrics();

  it('counts each local root span once, by status, with its trace as exemplar', async () => {
    const traceId = withSpan('job', {}, (span) => {
      withSpan('child', {}, () => undefined);
      return span.spanContext().traceId;
    });
    expect(() =>
      withSpan('failing', {}, () => {
        throw new Error('x');
      }),
    ).toThrow();

    const text = await scrape();
    expect(text).toMatch(new RegExp(`traces_total\\{status="ok"\\} 1 # \\{trace_id="${traceId}",span_id="[0-9a-f]{16}"\\}`));
    expect(text).toContain('traces_total{status="error"} 1');
  });

  it('times database client spans by operation and table, skipping pool spans', async () => {
    withSpan('request', {}, () => {
      const tracer = libraryTracer();
      tracer
        .startSpan('pg.query:SELECT', {
          kind: SpanKind.CLIENT,
          attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT id FROM "users" WHERE id = $1' },
        })
        .end();
      tracer
        .startSpan('pg.query:INSERT', {
          kind: SpanKind.CLIENT,
          attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'insert', 'db.collection.name': 'outbox_messages' },
        })
        .end();
      tracer.startSpan('pg-pool.connect', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } }).end();
    });
    const text = await scrape();
    expect(text).toContain('db_query_duration_seconds_count{operation="SELECT",table="users"} 1');
    expect(text).toContain('db_query_duration_seconds_count{operation="INSERT",table="outbox_messages"} 1');
    expect(text).not.toContain('operation="undefined"');
    expect(text.match(/^db_query_duration_seconds_count/gm)).toHaveLength(2);
  });

  it('counts external calls marked by traceExternalCall, success or error', async () => {
    withSpan('email', { 'server.service.name': 'email-service' }, () => undefined);
    withSpan('email', { 'server.service.name': 'email-service' }, (span) => span.setStatus({ code: SpanStatusCode.ERROR }));
    const text = await scrape();
    expect(text).toContain('external_requests_total{service="email-service",status="success"} 1');
    expect(text).toContain('external_requests_total{service="email-service",status="error"} 1');
  });

  it('reports the spans the runtime dropped and the runtime defaults', async () => {
    const text = await scrape();
    expect(text).toContain('tracing_dropped_spans_total 0');
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
  });

  it('leaves the runtime defaults out when asked', async () => {
    const lean = new TracingMetrics(tracing.runtime, { defaultMetrics: false });
    const text = await lean.registry.metrics();
    expect(text).toContain('tracing_dropped_spans_total 0');
    expect(text).not.toContain('nodejs_');
    expect(text).not.toContain('process_');
  });
});
