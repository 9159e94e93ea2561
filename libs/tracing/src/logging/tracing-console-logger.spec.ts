import { jest } from '@jest/globals';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { TracingConsoleLogger } from './tracing-console-logger.js';

const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

function printed(logger: TracingConsoleLogger, inSpan: boolean): string {
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const log = () => logger.log('order placed', 'OrdersService');
    if (inSpan) context.with(trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(SPAN)), log);
    else log();
    return String(write.mock.calls.map((call) => call[0]).join(''));
  } finally {
    write.mockRestore();
  }
}

describe('TracingConsoleLogger', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  it('adds trace_id and span_id to a JSON line logged inside a span', () => {
    const logger = new TracingConsoleLogger({ json: true });
    expect(JSON.parse(printed(logger, true))).toMatchObject({
      message: 'order placed',
      context: 'OrdersService',
      trace_id: SPAN.traceId,
      span_id: SPAN.spanId,
    });
    expect(Object.keys(JSON.parse(printed(logger, false)))).toEqual(['level', 'pid', 'timestamp', 'message', 'context']);
  });

  it('ends a text line logged inside a span with the ids, and leaves other lines as ConsoleLogger prints them', () => {
    const logger = new TracingConsoleLogger({ colors: false, timestamp: false });
    expect(printed(logger, true)).toMatch(new RegExp(`LOG \\[OrdersService\\] order placed trace_id=${SPAN.traceId} span_id=${SPAN.spanId}\\n$`));
    expect(printed(logger, false)).toMatch(/LOG \[OrdersService\] order placed\n$/);
  });
});
