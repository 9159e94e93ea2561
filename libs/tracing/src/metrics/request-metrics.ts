import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import type { RequestObserver } from '../http/http-server-hook.js';
import { ABORTED, routeTemplate, type RoutedRequest } from '../http/http-server-span.js';
import { pathOf, type RequestFilter } from '../http/request-filter.js';
import { requestOperation } from '../http/request-operation.js';
import { exemplarOf } from './exemplar.js';
import { serveMetrics } from './metrics-endpoint.js';
import type { TracingMetrics } from './tracing-metrics.js';

/** A request no route matched, or one refused before routing: one series for all, never the raw path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * At most this many operation names get a series of their own; later ones share `other`. Clients
 * choose a GraphQL operation's name, and a series per name would let them grow the metrics without end.
 */
export const MAX_OPERATIONS = 100;
export const OTHER_OPERATION = 'other';

/**
 * `http_request_duration_seconds` for every request, sampled or not (unlike span-derived
 * metrics), with the sampled request's trace as exemplar, and the scrapes of the metrics path.
 * The HTTP server hook calls it where the request enters the server, so requests that body
 * parsing refuses (malformed JSON, too large) count too. Requests the filter ignores are not
 * measured: health checks and scrapes would drown the real traffic.
 */
export class RequestMetrics implements RequestObserver {
  constructor(
    private readonly metrics: TracingMetrics,
    private readonly filter: RequestFilter,
    /** Where scrapes are answered; false leaves them to the app (`MetricsService.scrape()`). */
    private readonly metricsPath: string | false,
  ) {}

  private readonly operations = new Set<string>();

  /** Called inside the request's server span, if any, so that span is the exemplar. */
  observe(request: IncomingMessage, response: ServerResponse): void {
    const started = process.hrtime.bigint();
    const active = context.active();
    const exemplar = exemplarOf(trace.getSpan(active)?.spanContext());
    const rpcMetadata = getRPCMetadata(active);
    // 'close', not 'finish': a request whose client went away never finishes, and counts too.
    response.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const operation = requestOperation(rpcMetadata);
      const labels = {
        method: request.method ?? 'GET',
        route: routeTemplate(request as RoutedRequest) ?? UNMATCHED_ROUTE,
        status_code: response.writableFinished ? String(response.statusCode) : ABORTED,
        ...(operation === undefined ? {} : { operation: this.boundedOperation(operation) }),
      };
      this.metrics.observeRequest(labels, seconds, exemplar);
    });
  }

  private boundedOperation(operation: string): string {
    if (this.operations.has(operation)) return operation;
    if (this.operations.size >= MAX_OPERATIONS) return OTHER_OPERATION;
    this.operations.add(operation);
    return operation;
  }

  answer(request: IncomingMessage, response: ServerResponse): boolean {
    if (
      this.metricsPath === false ||
      (request.method !== 'GET' && request.method !== 'HEAD') ||
      pathOf(request.url ?? '/') !== this.filter.routePath(this.metricsPath)
    ) {
      return false;
    }
    void serveMetrics(this.metrics, request, response);
    return true;
  }
}
