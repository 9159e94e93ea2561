/** The explorer's JSON, as the page reads it (see src/http/explorer.controller.ts). */

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface Resource {
  serviceName: string;
  attributes: Attributes;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startUs: number;
  durationUs: number;
  attributes: Attributes;
  events: { timeUs: number; name: string; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  status: { code: number; message: string };
  resource: Resource;
  scope: { name: string; version: string };
}

export interface Log {
  timeUs: number;
  spanId: string;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Attributes;
  resource: Resource;
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  rootMissing: boolean;
  startUs: number;
  durationUs: number;
  spanCount: number;
  errorCount: number;
  logCount: number;
  services: { name: string; spans: number }[];
}

export interface Stats {
  traces: number;
  spans: number;
  logs: number;
  estimatedBytes: number;
  memoryBudgetBytes: number;
  evicted: { traces: number; spans: number; logs: number };
}

export interface TraceList {
  version: number;
  traces: TraceSummary[];
  stats: Stats;
}

export interface TraceDetail {
  summary: TraceSummary;
  spans: Span[];
  logs: Log[];
}

export interface ServiceMap {
  nodes: { id: string; name: string; kind: 'service' | 'database' | 'external' }[];
  edges: { from: string; to: string; calls: number; errors: number; p95Us: number }[];
}
