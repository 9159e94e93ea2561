import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { toPrometheusText } from './prometheus-format.js';
import type { TracingMetrics } from './tracing-metrics.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** A scrape: OpenMetrics (with exemplars) when the scraper asks for it, else Prometheus text. */
export async function serveMetrics(metrics: TracingMetrics, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const openMetrics = await metrics.registry.metrics();
    const wantsOpenMetrics = request.headers.accept?.includes('application/openmetrics-text') ?? false;
    const body = wantsOpenMetrics ? openMetrics : toPrometheusText(openMetrics);
    response.writeHead(200, {
      'content-type': wantsOpenMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : PROMETHEUS_TEXT,
      'content-length': Buffer.byteLength(body),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
