import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { type IExportTraceServiceResponse, type ISerializer, ProtobufTraceSerializer, TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ITEMS_PER_TURN, mapInTurns } from './in-turns.js';
import { concatBytes, serializeTraceRequest } from './span-serializer.js';

/** The SDK's own component type for its OTLP/HTTP span exporter, for the self-observability metrics it names. */
const COMPONENT_TYPE = 'otlp_http_span_exporter';

/** A batch's bytes, serialized in turns of the event loop before the SDK's transport asks for them. */
const serializedAhead = new WeakMap<readonly ReadableSpan[], Uint8Array>();

const serializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: (spans) => serializedAhead.get(spans) ?? serializeTraceRequest(spans),
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/**
 * OTLP/HTTP protobuf with the SDK's transport (`OTEL_EXPORTER_OTLP_*` headers, timeout,
 * compression, retries, partial-success handling) and the library's faster serializer.
 * Without a URL the endpoint comes from `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT`.
 */
export function createOtlpProtoExporter(url: string | undefined): SpanExporter {
  return new SerializingInTurns(
    new OTLPExporterBase(createOtlpHttpExportDelegate(otlpHttpOptions(url), serializer, COMPONENT_TYPE, TraceExporterMetricsHelper, undefined)),
  );
}

/**
 * Serializes a batch larger than one turn's slice in turns of the event loop, then hands it to the
 * SDK's exporter, whose serializer takes the bytes ready. An OTLP request may hold the same
 * resource more than once, so the slices' requests concatenated are one request.
 */
class SerializingInTurns implements SpanExporter {
  constructor(private readonly exporter: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (spans.length <= ITEMS_PER_TURN) return this.exporter.export(spans, resultCallback);
    mapInTurns(spans, serializeTraceRequest)
      .then((slices) => {
        serializedAhead.set(spans, concatBytes(slices));
        this.exporter.export(spans, resultCallback);
      })
      .catch((error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error as Error }));
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

/** The SDK's transport options: the URL given, the rest from `OTEL_EXPORTER_OTLP_(TRACES_)*`. */
export function otlpHttpOptions(url: string | undefined): ReturnType<typeof convertLegacyHttpOptions> {
  return convertLegacyHttpOptions(url === undefined ? {} : { url }, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
}
