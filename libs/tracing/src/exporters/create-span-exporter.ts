import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { importOptional } from '../config/optional-package.js';
import type { OtlpProtocol, TracingConfig, SpanExporterName } from '../config/tracing-config.js';
import { ZipkinExporter } from '../sdk-replacements/zipkin/zipkin-exporter.js';
import { ConsoleTreeExporter } from './console-tree-exporter.js';

/** Zipkin requests allowed on the wire at once. */
const ZIPKIN_MAX_IN_FLIGHT = 2;

/**
 * Builds the exporters `TRACING_EXPORTER` names. Exporter packages are imported on demand so a
 * service pays the load time of the ones it uses only.
 */
export function createSpanExporters(config: TracingConfig): Promise<SpanExporter[]> {
  return Promise.all(config.exporters.map((name) => createSpanExporter(name, config)));
}

async function createSpanExporter(name: SpanExporterName, config: TracingConfig): Promise<SpanExporter> {
  switch (name) {
    case 'console': {
      if (config.consoleFormat === 'tree') return new ConsoleTreeExporter();
      const { ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace');
      return new ConsoleSpanExporter();
    }
    case 'zipkin':
      return new ZipkinExporter({
        url: config.zipkinEndpoint,
        timeoutMillis: config.zipkinTimeoutMillis,
        maxInFlight: ZIPKIN_MAX_IN_FLIGHT,
      });
    case 'jaeger':
      // Jaeger ingests OTLP natively; see docs/design.md, "`jaeger` means OTLP".
      return createOtlpExporter('http/protobuf', config.jaegerEndpoint);
    case 'otlp':
      return createOtlpExporter(config.otlpProtocol, config.otlpEndpoint);
  }
}

/** Without a URL the exporter reads `OTEL_EXPORTER_OTLP_*` itself; headers, timeout and compression always come from there. */
async function createOtlpExporter(protocol: OtlpProtocol, url: string | undefined): Promise<SpanExporter> {
  const options = url === undefined ? {} : { url };
  switch (protocol) {
    case 'grpc': {
      const { OTLPTraceExporter } = await importOptional(
        '@opentelemetry/exporter-trace-otlp-grpc',
        { variable: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: protocol },
        () => import('@opentelemetry/exporter-trace-otlp-grpc'),
      );
      return new OTLPTraceExporter(options);
    }
    case 'http/json': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter(options);
    }
    case 'http/protobuf': {
      const { createOtlpProtoExporter } = await import('../sdk-replacements/otlp/otlp-proto-exporter.js');
      return createOtlpProtoExporter(url);
    }
  }
}
