import { collectDefaultMetrics, Counter, Histogram, type OpenMetricsContentType, Registry } from 'prom-client';
import type { TracingRuntime } from '../runtime/tracing-runtime.js';
import type { ExemplarLabels } from './exemplar.js';

/** Request and query latencies cluster between 1 ms and a few seconds. */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type HttpLabels = 'method' | 'route' | 'status_code' | 'operation';
type DbLabels = 'operation' | 'table';
export type OpenMetricsRegistry = Registry<OpenMetricsContentType>;

/** prom-client types exemplar labels as the metric's own label names; exemplars have their own. */
export function exemplarLabels(exemplar: ExemplarLabels | undefined): Record<string, string> | undefined {
  return exemplar;
}

/**
 * The metrics the library serves on its metrics path, one registry per app. The registry is in
 * OpenMetrics mode, the only format that carries exemplars; Prometheus text is derived from it.
 */
export class TracingMetrics {
  readonly registry: OpenMetricsRegistry = new Registry<OpenMetricsContentType>();
  private readonly requestDuration: Histogram<HttpLabels>;
  private readonly traces: Counter<'status'>;
  private readonly dbQueryDuration: Histogram<DbLabels>;
  private readonly externalRequests: Counter<'service' | 'status'>;

  constructor(runtime: TracingRuntime, options: { defaultMetrics: boolean }) {
    this.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template, status code and, for a GraphQL request, operation',
      labelNames: ['method', 'route', 'status_code', 'operation'],
      buckets: LATENCY_BUCKETS,
      enableExemplars: true,
      registers,
    });
    this.traces = new Counter({
      name: 'traces_total',
      help: 'Traces recorded here: finished local root spans, by status',
      labelNames: ['status'],
      enableExemplars: true,
      registers,
    });
    this.dbQueryDuration = new Histogram({
      name: 'db_query_duration_seconds',
      help: 'Database client span duration by operation and table',
      labelNames: ['operation', 'table'],
      buckets: LATENCY_BUCKETS,
      enableExemplars: true,
      registers,
    });
    this.externalRequests = new Counter({
      name: 'external_requests_total',
      help: 'Calls to other services (traceExternalCall), by service and outcome',
      labelNames: ['service', 'status'],
      enableExemplars: true,
      registers,
    });
    registerDroppedSpans(this.registry, runtime);
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** `operation` only where the route alone says little: a GraphQL request's `query GetUser`. */
  observeRequest(labels: Record<Exclude<HttpLabels, 'operation'>, string> & { operation?: string }, seconds: number, exemplar?: ExemplarLabels): void {
    this.requestDuration.observe({ labels, value: seconds, exemplarLabels: exemplarLabels(exemplar) });
  }

  countTrace(status: 'ok' | 'error', exemplar?: ExemplarLabels): void {
    this.traces.inc({ labels: { status }, value: 1, exemplarLabels: exemplarLabels(exemplar) });
  }

  observeQuery(labels: Record<DbLabels, string>, seconds: number, exemplar?: ExemplarLabels): void {
    this.dbQueryDuration.observe({ labels, value: seconds, exemplarLabels: exemplarLabels(exemplar) });
  }

  countExternalRequest(service: string, status: 'success' | 'error', exemplar?: ExemplarLabels): void {
    this.externalRequests.inc({ labels: { service, status }, value: 1, exemplarLabels: exemplarLabels(exemplar) });
  }
}

function registerDroppedSpans(registry: OpenMetricsRegistry, runtime: TracingRuntime): void {
  let reported = 0;
  new Counter({
    name: 'tracing_dropped_spans_total',
    help: 'Spans lost to a full export queue or a failed export',
    registers: [registry],
    collect() {
      const dropped = runtime.droppedSpans;
      if (dropped > reported) this.inc(dropped - reported);
      reported = dropped;
    },
  });
}
