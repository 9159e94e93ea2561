import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { routeTemplate, type RoutedRequest } from '../http/http-server-span.js';
import { isIgnoredRequest } from '../http/request-tracing-options.js';
import type { TracingRuntime } from '../runtime/tracing-runtime.js';
import { TRACING_RUNTIME } from '../tracing.constants.js';
import { exemplarOf } from './exemplar.js';
import { TracingMetrics } from './tracing-metrics.js';

/** A request no route matched, or one refused before routing: one series for all, never the raw path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * `http_request_duration_seconds` for every request, sampled or not (unlike span-derived
 * metrics), with the sampled request's trace as exemplar. It runs at the server's `request` event
 * (`HttpServerHook`), so requests that body parsing refuses (malformed JSON, too large) count too.
 * Paths that are not traced are not measured either: health checks and scrapes would drown the
 * real traffic.
 */
@Injectable()
export class RequestMetrics {
  constructor(
    private readonly metrics: TracingMetrics,
    @Inject(TRACING_RUNTIME) private readonly runtime: TracingRuntime,
  ) {}

  /** Called inside the request's server span, if any, so that span is the exemplar. */
  record(request: IncomingMessage, response: ServerResponse): void {
    if (isIgnoredRequest(this.runtime.requestOptions, request.method, request.url)) return;
    const started = process.hrtime.bigint();
    const exemplar = exemplarOf(trace.getActiveSpan()?.spanContext());
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = {
        method: request.method ?? 'GET',
        route: routeTemplate(request as RoutedRequest) ?? UNMATCHED_ROUTE,
        status_code: String(response.statusCode),
      };
      this.metrics.observeRequest(labels, seconds, exemplar);
    });
  }
}
