import { createHash } from 'node:crypto';
import type { AttributeValue, Attributes, StoredLog, StoredResource, StoredScope, StoredSpan, StoreStats } from '../explorer-api.js';
import { spanKindName } from './stored-model.js';

export interface TraceStoreOptions {
  /** Estimated bytes the stored traces may take; past it the oldest traces are evicted. */
  memoryBudgetBytes: number;
}

/** A trace as stored: its spans and log lines in arrival order. */
export interface StoredTrace {
  traceId: string;
  spans: StoredSpan[];
  logs: StoredLog[];
  /** Bumped on every change, so summaries and live views know what is new. */
  version: number;
  bytes: number;
  /** The first span stored under each id, to keep a resent span once without a scan. */
  byId: Map<string, StoredSpan>;
  /** The resources and scopes already counted in `bytes`: each is counted once per trace that refers to it. */
  counted: Set<StoredResource | StoredScope>;
}

/**
 * Resources are shared by every span of a service: kept once each, up to this many, and up to this
 * share of the budget (the cache holds a resource after its traces are evicted).
 */
const MAX_INTERNED_RESOURCES = 1_000;
const INTERNED_SHARE_OF_BUDGET = 1 / 8;

/** Fixed cost of a stored span or log record beyond its strings (object headers, numbers, arrays). */
const SPAN_OVERHEAD_BYTES = 480;
const LOG_OVERHEAD_BYTES = 240;

function valueBytes(value: AttributeValue): number {
  if (typeof value === 'string') return 16 + value.length * 2;
  if (value === null || typeof value !== 'object') return 16;
  if (Array.isArray(value)) return value.reduce<number>((total, entry) => total + valueBytes(entry), 32);
  return attributesBytes(value);
}

function attributesBytes(attributes: Attributes): number {
  let total = 64;
  for (const key in attributes) total += 32 + key.length * 2 + valueBytes(attributes[key]);
  return total;
}

/** An estimate of what a span costs on the heap, close enough to keep the budget honest. */
export function spanBytes(span: StoredSpan): number {
  let total = SPAN_OVERHEAD_BYTES + (span.name.length + span.status.message.length + span.traceState.length) * 2 + attributesBytes(span.attributes);
  for (const event of span.events) total += 96 + event.name.length * 2 + attributesBytes(event.attributes);
  for (const link of span.links) total += 160 + attributesBytes(link.attributes);
  return total;
}

function resourceBytes(resource: StoredResource): number {
  return 64 + resource.serviceName.length * 2 + attributesBytes(resource.attributes);
}

function scopeBytes(scope: StoredScope): number {
  return 64 + (scope.name.length + scope.version.length) * 2;
}

/** Two spans with the same id, the one a copy of the other (a retried export). */
function sameSpan(a: StoredSpan, b: StoredSpan): boolean {
  if (a.parentSpanId !== b.parentSpanId || a.name !== b.name || a.startUs !== b.startUs || a.durationUs !== b.durationUs || a.resource !== b.resource)
    return false;
  const content = (span: StoredSpan) => JSON.stringify([span.kind, span.attributes, span.events, span.links, span.status, span.traceState, span.scope]);
  return content(a) === content(b);
}

function logBytes(log: StoredLog): number {
  return LOG_OVERHEAD_BYTES + (log.body.length + log.severityText.length) * 2 + attributesBytes(log.attributes);
}

/**
 * The traces received, in memory, within a budget: when the estimated size passes it, whole traces
 * are evicted oldest first (by when their first span or log line arrived) and counted.
 */
export class TraceStore {
  private readonly traces = new Map<string, StoredTrace>();
  /** Interned resources by a digest of their attributes, and the bytes they hold. */
  private readonly resources = new Map<string, StoredResource>();
  private resourceCacheBytes = 0;
  private bytes = 0;
  private spanCount = 0;
  private logCount = 0;
  private logsWithoutTrace = 0;
  private readonly evicted = { traces: 0, spans: 0, logs: 0 };
  private version = 0;

  constructor(private readonly options: TraceStoreOptions) {}

  /** Increases whenever anything is stored. */
  get currentVersion(): number {
    return this.version;
  }

  addSpans(spans: StoredSpan[]): void {
    const version = ++this.version;
    const interned = this.interner();
    for (const span of spans) {
      span.resource = interned(span.resource);
      const trace = this.traceFor(span.traceId, version);
      // An exporter's retry sends the same span again: kept once. A different span with a known id is kept, and drawn marked.
      const known = trace.byId.get(span.spanId);
      if (known && sameSpan(known, span)) continue;
      if (!known) trace.byId.set(span.spanId, span);
      const bytes = spanBytes(span) + this.firstReference(trace, span.resource, resourceBytes) + this.firstReference(trace, span.scope, scopeBytes);
      trace.spans.push(span);
      trace.bytes += bytes;
      this.bytes += bytes;
      this.spanCount++;
    }
    this.evictOverBudget();
  }

  addLogs(logs: StoredLog[]): void {
    const version = ++this.version;
    const interned = this.interner();
    for (const log of logs) {
      if (log.traceId === '') {
        this.logsWithoutTrace++;
        continue;
      }
      log.resource = interned(log.resource);
      const trace = this.traceFor(log.traceId, version);
      const bytes = logBytes(log) + this.firstReference(trace, log.resource, resourceBytes);
      trace.logs.push(log);
      trace.bytes += bytes;
      this.bytes += bytes;
      this.logCount++;
    }
    this.evictOverBudget();
  }

  get(traceId: string): StoredTrace | undefined {
    return this.traces.get(traceId.toLowerCase());
  }

  /** Traces with at least one span, the most recently received first. */
  *newestFirst(): Generator<StoredTrace> {
    const all = [...this.traces.values()];
    for (let index = all.length - 1; index >= 0; index--) if (all[index].spans.length > 0) yield all[index];
  }

  /** Each service and its operations (span names), with the kind of the operation's spans. */
  operationsByService(): Map<string, Map<string, string>> {
    const services = new Map<string, Map<string, string>>();
    for (const trace of this.traces.values()) {
      for (const span of trace.spans) {
        let operations = services.get(span.resource.serviceName);
        if (operations === undefined) services.set(span.resource.serviceName, (operations = new Map()));
        if (!operations.has(span.name)) operations.set(span.name, spanKindName(span.kind));
      }
    }
    return services;
  }

  stats(): StoreStats {
    return {
      traces: this.traces.size,
      spans: this.spanCount,
      logs: this.logCount,
      estimatedBytes: this.bytes + this.resourceCacheBytes,
      memoryBudgetBytes: this.options.memoryBudgetBytes,
      evicted: { ...this.evicted },
      logsWithoutTrace: this.logsWithoutTrace,
    };
  }

  private traceFor(traceId: string, version: number): StoredTrace {
    let trace = this.traces.get(traceId);
    if (trace === undefined) {
      trace = { traceId, spans: [], logs: [], version, bytes: 0, byId: new Map(), counted: new Set() };
      this.traces.set(traceId, trace);
    }
    trace.version = version;
    return trace;
  }

  /** What a shared object costs a trace: its bytes the first time the trace refers to it, then nothing. */
  private firstReference<T extends StoredResource | StoredScope>(trace: StoredTrace, shared: T, bytesOf: (shared: T) => number): number {
    if (trace.counted.has(shared)) return 0;
    trace.counted.add(shared);
    return bytesOf(shared);
  }

  /** One lookup per resource of a request (its spans share the decoded object), not per span. */
  private interner(): (resource: StoredResource) => StoredResource {
    const seen = new Map<StoredResource, StoredResource>();
    return (resource) => {
      let known = seen.get(resource);
      if (known === undefined) {
        // A digest, not the attributes' JSON: a key as large as the resource would double what the cache holds.
        const key = createHash('sha256').update(JSON.stringify(resource.attributes)).digest('base64');
        known = this.resources.get(key);
        if (known === undefined) {
          const bytes = resourceBytes(resource);
          if (this.resources.size >= MAX_INTERNED_RESOURCES || this.resourceCacheBytes + bytes > this.options.memoryBudgetBytes * INTERNED_SHARE_OF_BUDGET) {
            this.resources.clear();
            this.resourceCacheBytes = 0;
          }
          this.resources.set(key, resource);
          this.resourceCacheBytes += bytes;
          known = resource;
        }
        seen.set(resource, known);
      }
      return known;
    };
  }

  private evictOverBudget(): void {
    for (const [traceId, trace] of this.traces) {
      if (this.bytes + this.resourceCacheBytes <= this.options.memoryBudgetBytes) return;
      this.traces.delete(traceId);
      this.bytes -= trace.bytes;
      this.spanCount -= trace.spans.length;
      this.logCount -= trace.logs.length;
      this.evicted.traces++;
      this.evicted.spans += trace.spans.length;
      this.evicted.logs += trace.logs.length;
    }
  }
}
