import type { StoredLog, StoredSpan } from '../explorer-api.js';
import { decodeLogsJson, decodeTracesJson } from './decode-json.js';
import { decodeLogsProtobuf, decodeTracesProtobuf } from './decode-protobuf.js';
import { DecodeError } from './protobuf-reader.js';
import { isStoredTraceId } from '../trace-id.js';

export { DecodeError } from './protobuf-reader.js';

export type OtlpEncoding = 'protobuf' | 'json';

/** OTLP/HTTP's two content types; anything else is refused with 415. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = contentType?.split(';', 1)[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

const SPAN_ID = /^[0-9a-f]{16}$/;
/** The all-zero span id OTLP uses for "none". */
const NO_SPAN_ID = '0'.repeat(16);

/** Spans, the same rules on ids for both encodings; one that breaks them refuses the request. */
export function decodeTraces(body: Buffer, encoding: OtlpEncoding): StoredSpan[] {
  const spans = encoding === 'protobuf' ? decodeTracesProtobuf(body) : decodeTracesJson(body);
  spans.forEach((span, index) => {
    if (!isStoredTraceId(span.traceId)) throw new DecodeError(`span ${index}: traceId must be 16 bytes, not all zero`);
    if (!SPAN_ID.test(span.spanId)) throw new DecodeError(`span ${index}: spanId must be 8 bytes`);
    if (span.parentSpanId !== '' && !SPAN_ID.test(span.parentSpanId)) throw new DecodeError(`span ${index}: parentSpanId must be 8 bytes or empty`);
    if (span.parentSpanId === NO_SPAN_ID) span.parentSpanId = '';
    span.links.forEach((link, position) => {
      if (!isStoredTraceId(link.traceId) || !SPAN_ID.test(link.spanId))
        throw new DecodeError(`span ${index}: links[${position}] must have a 16-byte traceId and an 8-byte spanId`);
    });
  });
  return spans;
}

/** Log records, in both encodings alike: one with a malformed trace or span id is kept, without it. */
export function decodeLogs(body: Buffer, encoding: OtlpEncoding): StoredLog[] {
  const logs = encoding === 'protobuf' ? decodeLogsProtobuf(body) : decodeLogsJson(body);
  for (const log of logs) {
    if (!isStoredTraceId(log.traceId)) log.traceId = '';
    if (!SPAN_ID.test(log.spanId)) log.spanId = '';
  }
  return logs;
}
