/**
 * Trace ids, one set of rules for every way one reaches the explorer. Stored ids are 32 lowercase
 * hex digits, never all zero (OTLP's "no trace"). What people and Jaeger's API send is read as
 * Jaeger reads it: 1 to 32 hex digits in either case, a short id left-padded with zeros.
 */

const STORED = /^[0-9a-f]{32}$/;
const GIVEN = /^[0-9a-f]{1,32}$/i;
const NO_TRACE_ID = '0'.repeat(32);

/** An id as ingest stores it: 32 lowercase hex digits, not all zero. Run for every span and link received. */
export function isStoredTraceId(id: string): boolean {
  return STORED.test(id) && id !== NO_TRACE_ID;
}

/** The start of a trace id, typed into the list's search: 1 to 32 hex digits, lowercased. */
export function parseTraceIdPrefix(text: string): string | undefined {
  return GIVEN.test(text) ? text.toLowerCase() : undefined;
}

/** A trace id given in a URL or a query (Jaeger's `traceID`), as stored; undefined when it is not one. */
export function parseTraceId(text: string): string | undefined {
  return parseTraceIdPrefix(text)?.padStart(32, '0');
}
