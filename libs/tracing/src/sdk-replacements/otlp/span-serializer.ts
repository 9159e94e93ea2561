import type { Attributes, AttributeValue, Link, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { ProtobufWriter } from './protobuf-writer.js';

type Scope = ReadableSpan['instrumentationScope'];

const MIN_BUFFER_BYTES = 16 * 1024;
/** Sized from the previous batch, so a steady stream of batches rarely grows a buffer. */
let expectedBytes = MIN_BUFFER_BYTES;
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_CONTEXT_IS_REMOTE = 0x200;

/**
 * `ExportTraceServiceRequest` (opentelemetry-proto `trace/v1`) from SDK spans: the same bytes as
 * the SDK's `ProtobufTraceSerializer` (a test compares them), written with {@link ProtobufWriter}.
 */
export function serializeTraceRequest(spans: readonly ReadableSpan[]): Uint8Array {
  const writer = new ProtobufWriter(expectedBytes);
  for (const [resource, scopes] of groupByResourceAndScope(spans)) {
    const resourceSpans = writer.beginMessage(1);
    writeResource(writer, resource);
    for (const [scope, scopeSpans] of scopes) writeScopeSpans(writer, scope, scopeSpans);
    if (resource.schemaUrl) writer.stringField(3, resource.schemaUrl);
    writer.endMessage(resourceSpans);
  }
  expectedBytes = Math.max(MIN_BUFFER_BYTES, Math.ceil(writer.length * 1.25));
  return writer.finish();
}

/** Requests serialized apart, as one: a request's only field is repeated, so their bytes concatenate. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

function groupByResourceAndScope(spans: readonly ReadableSpan[]): Map<Resource, Map<Scope, ReadableSpan[]>> {
  const resources = new Map<Resource, Map<Scope, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (!scopes) resources.set(span.resource, (scopes = new Map()));
    let scopeSpans = scopes.get(span.instrumentationScope);
    if (!scopeSpans) scopes.set(span.instrumentationScope, (scopeSpans = []));
    scopeSpans.push(span);
  }
  return resources;
}

function writeResource(writer: ProtobufWriter, resource: Resource): void {
  const message = writer.beginMessage(1);
  writeAttributes(writer, 1, resource.attributes);
  writer.varintField(2, 0);
  writer.endMessage(message);
}

function writeScopeSpans(writer: ProtobufWriter, scope: Scope, spans: ReadableSpan[]): void {
  const scopeSpans = writer.beginMessage(2);
  const scopeMessage = writer.beginMessage(1);
  writer.stringField(1, scope.name);
  if (scope.version) writer.stringField(2, scope.version);
  writer.endMessage(scopeMessage);
  for (const span of spans) writeSpan(writer, span);
  if (scope.schemaUrl) writer.stringField(3, scope.schemaUrl);
  writer.endMessage(scopeSpans);
}

function writeSpan(writer: ProtobufWriter, span: ReadableSpan): void {
  const message = writer.beginMessage(2);
  const context = span.spanContext();
  writer.hexField(1, context.traceId);
  writer.hexField(2, context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) writer.stringField(3, traceState);
  if (span.parentSpanContext?.spanId) writer.hexField(4, span.parentSpanContext.spanId);
  writer.stringField(5, span.name);
  // OTLP's SpanKind counts from UNSPECIFIED = 0; the API's from INTERNAL = 0.
  writer.varintField(6, span.kind + 1);
  writer.timeField(7, span.startTime);
  writer.timeField(8, span.endTime);
  writeAttributes(writer, 9, span.attributes);
  writer.varintField(10, span.droppedAttributesCount);
  for (const event of span.events) writeEvent(writer, event);
  writer.varintField(12, span.droppedEventsCount);
  for (const link of span.links) writeLink(writer, link);
  writer.varintField(14, span.droppedLinksCount);
  const status = writer.beginMessage(15);
  if (span.status.message) writer.stringField(2, span.status.message);
  writer.varintField(3, span.status.code);
  writer.endMessage(status);
  writer.fixed32Field(16, spanFlags(context, span.parentSpanContext?.isRemote));
  writer.endMessage(message);
}

function spanFlags(context: SpanContext, isRemote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE | (isRemote ? SPAN_FLAGS_CONTEXT_IS_REMOTE : 0);
}

function writeEvent(writer: ProtobufWriter, event: TimedEvent): void {
  const message = writer.beginMessage(11);
  writer.timeField(1, event.time);
  writer.stringField(2, event.name);
  if (event.attributes) writeAttributes(writer, 3, event.attributes);
  writer.varintField(4, event.droppedAttributesCount ?? 0);
  writer.endMessage(message);
}

function writeLink(writer: ProtobufWriter, link: Link): void {
  const message = writer.beginMessage(13);
  writer.hexField(1, link.context.traceId);
  writer.hexField(2, link.context.spanId);
  const traceState = link.context.traceState?.serialize();
  if (traceState) writer.stringField(3, traceState);
  if (link.attributes) writeAttributes(writer, 4, link.attributes);
  writer.varintField(5, link.droppedAttributesCount ?? 0);
  writer.fixed32Field(6, spanFlags(link.context, link.context.isRemote));
  writer.endMessage(message);
}

function writeAttributes(writer: ProtobufWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    writeKeyValue(writer, field, key, attributes[key]);
  }
}

function writeKeyValue(writer: ProtobufWriter, field: number, key: string, value: unknown): void {
  const keyValue = writer.beginMessage(field);
  writer.stringField(1, key);
  const anyValue = writer.beginMessage(2);
  writeAnyValue(writer, value);
  writer.endMessage(anyValue);
  writer.endMessage(keyValue);
}

/** AnyValue; `null` and `undefined` leave it empty, as the SDK's serializer does. */
function writeAnyValue(writer: ProtobufWriter, value: AttributeValue | unknown): void {
  if (typeof value === 'string') writer.stringField(1, value);
  else if (typeof value === 'boolean') writer.varintField(2, value ? 1 : 0);
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) writer.varintField(3, value);
    else writer.doubleField(4, value);
  } else if (value instanceof Uint8Array) writer.bytesField(7, value);
  else if (Array.isArray(value)) {
    const array = writer.beginMessage(5);
    for (const item of value) {
      const entry = writer.beginMessage(1);
      writeAnyValue(writer, item);
      writer.endMessage(entry);
    }
    writer.endMessage(array);
  } else if (typeof value === 'object' && value !== null) {
    const list = writer.beginMessage(6);
    for (const key in value) if (Object.hasOwn(value, key)) writeKeyValue(writer, 1, key, (value as Record<string, unknown>)[key]);
    writer.endMessage(list);
  }
}
