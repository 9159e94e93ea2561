import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import type { ServiceMap, ServiceMapNode, StoredSpan } from '../explorer-api.js';
import type { StoredTrace } from './trace-store.js';
import { SPAN_KIND, STATUS_CODE } from './stored-model.js';

/** `db.system.name`, and `db.system` of instrumentations on the older conventions. */
const DB_SYSTEM_KEYS = ['db.system.name', 'db.system'];
const PEER_SERVICE = 'peer.service';

/** The calls an edge keeps durations of, for its percentile: the most recent ones. */
const DURATION_SAMPLES = 1_000;

function databaseOf(span: StoredSpan): string | undefined {
  for (const key of DB_SYSTEM_KEYS) {
    const value = span.attributes[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function peerOf(span: StoredSpan): string | undefined {
  const peer = span.attributes[PEER_SERVICE];
  if (typeof peer === 'string' && peer !== '') return peer;
  const address = span.attributes[ATTR_SERVER_ADDRESS];
  if (typeof address !== 'string' || address === '') return undefined;
  const port = span.attributes[ATTR_SERVER_PORT];
  return port === undefined ? address : `${address}:${String(port)}`;
}

function percentile95(durations: number[]): number {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
}

/**
 * Services, the databases they use (by `db.system.name`) and the peers they call or send messages
 * to that send no spans of their own, from the spans of the given traces: an edge per caller and callee, with the
 * number of calls, how many failed, and their 95th percentile duration.
 */
export function buildServiceMap(traces: Iterable<StoredTrace>): ServiceMap {
  const nodes = new Map<string, ServiceMapNode>();
  const edges = new Map<string, { from: string; to: string; calls: number; errors: number; durations: number[] }>();
  const node = (id: string, name: string, kind: ServiceMapNode['kind']) => {
    if (!nodes.has(id)) nodes.set(id, { id, name, kind });
    return id;
  };
  const call = (from: string, to: string, failed: boolean, durationUs: number) => {
    const key = `${from}\u0000${to}`;
    let edge = edges.get(key);
    if (edge === undefined) edges.set(key, (edge = { from, to, calls: 0, errors: 0, durations: [] }));
    edge.calls++;
    if (failed) edge.errors++;
    edge.durations.push(durationUs);
    if (edge.durations.length > DURATION_SAMPLES) edge.durations.shift();
  };

  for (const trace of traces) {
    const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
    const callsOut = new Set<string>();
    for (const span of trace.spans) {
      const service = node(`service:${span.resource.serviceName}`, span.resource.serviceName, 'service');
      const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      if (parent !== undefined && parent.resource.serviceName !== span.resource.serviceName) {
        callsOut.add(parent.spanId);
        const caller = node(`service:${parent.resource.serviceName}`, parent.resource.serviceName, 'service');
        const viewedByCaller = parent.kind === SPAN_KIND.CLIENT || parent.kind === SPAN_KIND.PRODUCER;
        call(
          caller,
          service,
          span.status.code === STATUS_CODE.ERROR || (viewedByCaller && parent.status.code === STATUS_CODE.ERROR),
          viewedByCaller ? parent.durationUs : span.durationUs,
        );
      }
    }
    // A message sent to a broker whose consumers send no spans (or have not yet) ends at the broker.
    for (const span of trace.spans) {
      if ((span.kind !== SPAN_KIND.CLIENT && span.kind !== SPAN_KIND.PRODUCER) || callsOut.has(span.spanId)) continue;
      const service = `service:${span.resource.serviceName}`;
      const database = databaseOf(span);
      const peer = database === undefined ? peerOf(span) : undefined;
      if (database !== undefined) call(service, node(`database:${database}`, database, 'database'), span.status.code === STATUS_CODE.ERROR, span.durationUs);
      else if (peer !== undefined) call(service, node(`external:${peer}`, peer, 'external'), span.status.code === STATUS_CODE.ERROR, span.durationUs);
    }
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
    edges: [...edges.values()].map(({ durations, ...edge }) => ({ ...edge, p95Us: percentile95(durations) })),
  };
}
