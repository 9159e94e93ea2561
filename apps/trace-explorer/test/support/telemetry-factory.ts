import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, type ReadableLogRecord, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

/**
 * Real SDK spans and log records, encoded by the SDK's own OTLP serializers: the explorer's
 * decoders are checked against what exporters send, not against an encoder of ours.
 */
export interface Telemetry {
  spans: ReadableSpan[];
  logs: ReadableLogRecord[];
}

export function makeTelemetry(service = 'users-api'): Telemetry {
  const spanMemory = new InMemorySpanExporter();
  const logMemory = new InMemoryLogRecordExporter();
  const resource = resourceFromAttributes({ 'service.name': service, 'service.version': '1.2.3', 'deployment.environment.name': 'test' });
  const tracer = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter: spanMemory })] }).getTracer('explorer-test', '0.1.0');
  const logger = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logMemory })] }).getLogger('explorer-test');

  const server = tracer.startSpan('POST /users', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/users', 'http.response.status_code': 500, ratio: 0.25, cached: false, tags: ['a', 'b'], html: '<script>alert(1)</script>' },
  });
  const inServer = trace.setSpan(ROOT_CONTEXT, server);
  const query = tracer.startSpan(
    'INSERT test.users',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'INSERT INTO users ...' },
      links: [{ context: server.spanContext(), attributes: { reason: 'retry' } }],
    },
    inServer,
  );
  query.recordException(new TypeError('value too long'));
  query.setStatus({ code: SpanStatusCode.ERROR, message: 'value too long' });
  query.end();
  context.with(inServer, () =>
    logger.emit({ severityNumber: 17, severityText: 'error', body: 'could not create user', attributes: { route: '/users' }, context: inServer }),
  );
  logger.emit({ severityNumber: 9, severityText: 'info', body: { structured: true } });
  server.setStatus({ code: SpanStatusCode.ERROR });
  server.end();
  return { spans: spanMemory.getFinishedSpans(), logs: logMemory.getFinishedLogRecords() };
}

export const encodeTraces = {
  protobuf: (spans: ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
  json: (spans: ReadableSpan[]) => Buffer.from(JsonTraceSerializer.serializeRequest(spans)!),
};

export const encodeLogs = {
  protobuf: (logs: ReadableLogRecord[]) => Buffer.from(ProtobufLogsSerializer.serializeRequest(logs)!),
  json: (logs: ReadableLogRecord[]) => Buffer.from(JsonLogsSerializer.serializeRequest(logs)!),
};
