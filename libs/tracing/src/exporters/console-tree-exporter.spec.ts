import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ConsoleTreeExporter, type ConsoleTreeOptions } from './console-tree-exporter.js';

function setup(options: ConsoleTreeOptions = {}) {
  const output: string[] = [];
  const exporter = new ConsoleTreeExporter({ colour: false, write: (text) => output.push(text), ...options });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders-api', 'host.name': 'box-1' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  return { exporter, tracer: provider.getTracer('test'), text: () => output.join('') };
}

describe('ConsoleTreeExporter', () => {
  it('writes one block per trace when its root ends: parents before children, kinds in words, durations in ms', () => {
    const { tracer, text } = setup();
    // Explicit times: siblings started within the same microsecond would have no order of their own.
    const t0 = Date.now();
    const server = tracer.startSpan('POST /orders', {
      kind: SpanKind.SERVER,
      startTime: t0,
      attributes: { 'http.route': '/orders', 'http.response.status_code': 201 },
    });
    const inServer = trace.setSpan(ROOT_CONTEXT, server);
    const service = tracer.startSpan('OrdersService.create', { startTime: t0 + 1 }, inServer);
    const query = tracer.startSpan(
      'pg.query:INSERT orders',
      {
        kind: SpanKind.CLIENT,
        startTime: t0 + 2,
        attributes: {
          'db.system.name': 'postgresql',
          'db.query.text': 'INSERT INTO "orders" ("id", "customer", "total", "created_at") VALUES ($1, $2, $3, $4)',
        },
      },
      trace.setSpan(ROOT_CONTEXT, service),
    );
    query.end(t0 + 5);
    const call = tracer.startSpan(
      'POST',
      {
        kind: SpanKind.CLIENT,
        startTime: t0 + 10,
        attributes: { 'server.service.name': 'email-service', 'url.full': 'http://email:3001/emails', 'http.request.method': 'POST' },
      },
      inServer,
    );
    call.end(t0 + 20);
    service.end(t0 + 30);
    expect(text()).toBe('');
    server.end(t0 + 40);

    const lines = text().trimEnd().split('\n');
    expect(lines[0]).toBe('resource service.name=orders-api host.name=box-1');
    expect(lines[1]).toBe(`trace ${server.spanContext().traceId}  orders-api  4 spans`);
    expect(lines.slice(2).map((line) => line.trim().split(/\s{2,}/)[0])).toEqual(['POST /orders', 'OrdersService.create', 'pg.query:INSERT orders', 'POST']);
    expect(lines[2]).toMatch(/^ {2}POST \/orders\s+server\s+\d+\.\d+ ms\s+201$/);
    expect(lines[3]).toMatch(/^ {4}OrdersService\.create\s+internal\s+\d+\.\d+ ms$/);
    expect(lines[4]).toMatch(/^ {6}pg\.query:INSERT orders\s+client\s+\d+\.\d+ ms\s+INSERT INTO "orders" \("id", "customer", "total", "created_at…$/);
    expect(lines[5]).toMatch(/^ {4}POST\s+client\s+\d+\.\d+ ms\s+POST http:\/\/email:3001\/emails {2}peer=email-service$/);
  });

  it('writes the resource once, and the trace id once per block', () => {
    const { tracer, text } = setup();
    tracer.startSpan('first').end();
    tracer.startSpan('second').end();
    expect(text().match(/^resource /gm)).toHaveLength(1);
    expect(text().match(/^trace [0-9a-f]{32}/gm)).toHaveLength(2);
    expect(text()).not.toMatch(/[0-9a-f]{32}.*[0-9a-f]{32}/);
  });

  it('marks errors and writes exception messages under their span', () => {
    const { tracer, text } = setup();
    const span = tracer.startSpan('GET /boom', { kind: SpanKind.SERVER, attributes: { 'http.response.status_code': 500, 'error.type': '500' } });
    span.recordException(new TypeError('cannot read id of undefined'));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    expect(text()).toMatch(/1 span {2}ERROR\n/);
    expect(text()).toMatch(/GET \/boom\s+server\s+\S+ ms\s+ERROR\s+500 {2}error\.type=500\n/);
    expect(text()).toContain('    exception TypeError: cannot read id of undefined\n');
  });

  it('writes a trace whose local root never ends after the bound, and everything at shutdown', async () => {
    let now = 0;
    const { tracer, text, exporter } = setup({ lostRootAfterMs: 1_000, now: () => now });
    const lostRoot = tracer.startSpan('never ends');
    tracer.startSpan('orphan child', {}, trace.setSpan(ROOT_CONTEXT, lostRoot)).end();
    expect(text()).toBe('');
    now = 1_500;
    tracer.startSpan('unrelated').end();
    expect(text()).toContain('(its parent span is not among these)');
    expect(text()).toMatch(/orphan child/);

    const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const open = tracer.startSpan('still open', {}, remote);
    tracer.startSpan('held child', {}, trace.setSpan(ROOT_CONTEXT, open)).end();
    expect(text()).not.toContain('held child');
    await exporter.shutdown();
    expect(text()).toContain('held child');
  });

  it('colours on request: errors red, durations yellow', () => {
    const { tracer, text } = setup({ colour: true });
    const span = tracer.startSpan('GET /x');
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    expect(text()).toContain('\x1b[31mERROR\x1b[0m');
    const yellow = '\x1b[33m';
    expect(text()).toMatch(new RegExp(`${yellow.replace('[', '\\[')}\\s*\\d+\\.\\d+ ms`));
  });
});
