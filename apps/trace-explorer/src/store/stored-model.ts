/**
 * What the explorer keeps of the telemetry it receives: OTLP's spans and log records with
 * timestamps in microseconds (Jaeger's unit), ids as lowercase hex, and each resource once.
 */

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface StoredResource {
  serviceName: string;
  attributes: Attributes;
}

export interface StoredScope {
  name: string;
  version: string;
}

export interface StoredEvent {
  timeUs: number;
  name: string;
  attributes: Attributes;
}

export interface StoredLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** OTLP's status codes: 0 unset, 1 ok, 2 error. */
export type StatusCode = 0 | 1 | 2;

export interface StoredSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's span kinds: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startUs: number;
  durationUs: number;
  attributes: Attributes;
  events: StoredEvent[];
  links: StoredLink[];
  status: { code: StatusCode; message: string };
  traceState: string;
  resource: StoredResource;
  scope: StoredScope;
}

export interface StoredLog {
  timeUs: number;
  traceId: string;
  spanId: string;
  severityNumber: number;
  severityText: string;
  /** The body as text: a string body as is, any other value as JSON. */
  body: string;
  attributes: Attributes;
  resource: StoredResource;
}

export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

export function spanKindName(kind: number): string {
  return SPAN_KIND_NAMES[kind] ?? 'unspecified';
}

/** An attribute value as one line of text, the form filters compare against. */
export function attributeText(value: AttributeValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
