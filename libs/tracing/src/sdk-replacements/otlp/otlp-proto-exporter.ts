import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { type IExportTraceServiceResponse, type ISerializer, ProtobufTraceSerializer, TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { serializeTraceRequest } from './span-serializer.js';

/** The SDK's own component type for its OTLP/HTTP span exporter, for the self-observability metrics it names. */
const COMPONENT_TYPE = 'otlp_http_span_exporter';

const serializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: serializeTraceRequest,
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/**
 * OTLP/HTTP protobuf with the SDK's transport (`OTEL_EXPORTER_OTLP_*` headers, timeout,
 * compression, retries, partial-success handling) and the library's faster serializer.
 * Without a URL the endpoint comes from `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT`.
 */
export function createOtlpProtoExporter(url: string | undefined): SpanExporter {
  return new OTLPExporterBase(createOtlpHttpExportDelegate(otlpHttpOptions(url), serializer, COMPONENT_TYPE, TraceExporterMetricsHelper, undefined));
}

/** The SDK's transport options: the URL given, the rest from `OTEL_EXPORTER_OTLP_(TRACES_)*`. */
export function otlpHttpOptions(url: string | undefined): ReturnType<typeof convertLegacyHttpOptions> {
  return convertLegacyHttpOptions(url === undefined ? {} : { url }, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
}
