import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { toPrometheusText } from './prometheus-format.js';
import type { TracingMetrics } from './tracing-metrics.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** What a scrape answers: OpenMetrics (with exemplars) when asked for, else Prometheus text. */
export interface Scrape {
  contentType: string;
  body: string;
}

/** The registry as a scraper that sends `accept` wants it: exemplars need OpenMetrics. */
export async function scrape(metrics: TracingMetrics, accept: string | undefined): Promise<Scrape> {
  const openMetrics = await metrics.registry.metrics();
  if (accept?.includes('application/openmetrics-text')) return { contentType: Registry.OPENMETRICS_CONTENT_TYPE, body: openMetrics };
  return { contentType: PROMETHEUS_TEXT, body: toPrometheusText(openMetrics) };
}

export async function serveMetrics(metrics: TracingMetrics, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const { contentType, body } = await scrape(metrics, request.headers.accept);
    response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
