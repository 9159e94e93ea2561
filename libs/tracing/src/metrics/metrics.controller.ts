import { Controller, Get, Headers, Res } from '@nestjs/common';
import { Registry } from 'prom-client';
import { toPrometheusText } from './prometheus-format.js';
import { TracingMetrics } from './tracing-metrics.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** `GET /metrics`: OpenMetrics (with exemplars) when the scraper asks for it, else Prometheus text. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TracingMetrics) {}

  @Get()
  async scrape(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void },
  ): Promise<string> {
    const openMetrics = await this.metrics.registry.metrics();
    if (accept?.includes('application/openmetrics-text')) {
      response.setHeader('content-type', Registry.OPENMETRICS_CONTENT_TYPE);
      return openMetrics;
    }
    response.setHeader('content-type', PROMETHEUS_TEXT);
    return toPrometheusText(openMetrics);
  }
}
