/**
 * The explorer's data as stored and as its JSON API returns it, shared by the server and the page
 * script (a declaration file, so the page's build reads it without compiling server code).
 * Timestamps are microseconds since the epoch (Jaeger's unit), ids lowercase hex.
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

/** One line of the trace list. */
export interface TraceSummary {
  traceId: string;
  /** The root span's service and name; the earliest span's when the root has not arrived. */
  rootService: string;
  rootName: string;
  /**
   * The GraphQL operation the root request ran (`query GetUser`), the earliest span of the root's
   * service with `graphql.operation.type`: every GraphQL request's root is `POST /graphql`.
   */
  rootOperation?: string;
  /** The root span is missing: the trace is shown from its earliest span. */
  rootMissing: boolean;
  startUs: number;
  durationUs: number;
  spanCount: number;
  errorCount: number;
  logCount: number;
  services: { name: string; spans: number }[];
}

export interface StoreStats {
  traces: number;
  spans: number;
  logs: number;
  estimatedBytes: number;
  memoryBudgetBytes: number;
  evicted: { traces: number; spans: number; logs: number };
  /** Log records without a trace id: not kept, since every view shows logs by trace. */
  logsWithoutTrace: number;
}

/** `GET /api/explorer/traces`; `version` lets the page skip re-rendering when nothing arrived. */
export interface TraceList {
  version: number;
  traces: TraceSummary[];
  stats: StoreStats;
}

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type StatusName = 'unset' | 'ok' | 'error';

/** A span as the pages show it: its kind and status by name, never OTLP's numbers. */
export interface PageSpan extends Omit<StoredSpan, 'kind' | 'status'> {
  kind: SpanKindName;
  status: { code: StatusName; message: string };
}

/** `GET /api/explorer/traces/{traceID}`: spans by start time, log lines by time. */
export interface TraceDetail {
  summary: TraceSummary;
  spans: PageSpan[];
  logs: StoredLog[];
}

export interface ServiceMapNode {
  id: string;
  name: string;
  kind: 'service' | 'database' | 'external';
}

export interface ServiceMapEdge {
  from: string;
  to: string;
  calls: number;
  errors: number;
  /** The 95th percentile of the calls' durations, as the caller saw them where it recorded a client span. */
  p95Us: number;
}

export interface ServiceMap {
  nodes: ServiceMapNode[];
  edges: ServiceMapEdge[];
}
