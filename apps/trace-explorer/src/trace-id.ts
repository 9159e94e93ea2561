/**
 * Trace ids, one set of rules for every way one reaches the explorer. Stored ids are 32 lowercase
 * hex digits, never all zero (OTLP's "no trace"). What people and Jaeger's API send is read as
 * Jaeger reads it: 1 to 32 hex digits in either case, a short id left-padded with zeros.
 */

const HEX = /^[0-9a-f]*$/i;
const NO_TRACE_ID = '0'.repeat(32);

/** An id as ingest stores it: 32 lowercase hex digits, not all zero. */
export function isStoredTraceId(id: string): boolean {
  return id.length === 32 && id !== NO_TRACE_ID && HEX.test(id) && id === id.toLowerCase();
}

/** A trace id given in a URL or a query (Jaeger's `traceID`), as stored; undefined when it is not one. */
export function parseTraceId(text: string): string | undefined {
  if (text.length === 0 || text.length > 32 || !HEX.test(text)) return undefined;
  return text.toLowerCase().padStart(32, '0');
}

/** The start of a trace id, typed into the list's search: 1 to 32 hex digits, lowercased. */
export function parseTraceIdPrefix(text: string): string | undefined {
  return text.length > 0 && text.length <= 32 && HEX.test(text) ? text.toLowerCase() : undefined;
}
