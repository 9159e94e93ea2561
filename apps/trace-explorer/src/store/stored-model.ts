import type { AttributeValue } from '../explorer-api.js';

export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

export function spanKindName(kind: number): string {
  return SPAN_KIND_NAMES[kind] ?? 'unspecified';
}

/** An attribute value as one line of text, the form filters compare against. */
export function attributeText(value: AttributeValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
