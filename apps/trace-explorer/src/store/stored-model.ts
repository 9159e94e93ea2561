import type { AttributeValue, SpanKindName, StatusCode, StatusName } from '../explorer-api.js';

/**
 * OTLP's numbers as stored, and the one place they become names: the pages, the Jaeger API and the
 * operation lists all say `server` and `error` through here.
 */
export const SPAN_KIND = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const STATUS_CODE = { UNSET: 0, OK: 1, ERROR: 2 } as const;

const SPAN_KIND_NAMES: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES: readonly StatusName[] = ['unset', 'ok', 'error'];

export function spanKindName(kind: number): SpanKindName {
  return SPAN_KIND_NAMES[kind] ?? 'unspecified';
}

export function statusName(code: StatusCode): StatusName {
  return STATUS_NAMES[code] ?? 'unset';
}

/** An attribute value as one line of text, the form filters compare against. */
export function attributeText(value: AttributeValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
