import { createServer, type Server } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { RequestTracingOptions } from '../http/request-filter.js';
import { TRACING_REQUEST_OPTIONS } from '../tracing.constants.js';
import { serveMetrics } from './metrics-endpoint.js';
import { TracingMetrics } from './tracing-metrics.js';

/** The metrics on a port of their own (`metrics.port`): only `GET`/`HEAD` of the path, nothing else. */
@Injectable()
export class MetricsPort implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(TRACING_REQUEST_OPTIONS) private readonly options: RequestTracingOptions,
    @Optional() @Inject(TracingMetrics) private readonly metrics?: TracingMetrics | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const settings = this.options.metricsPort;
    const metrics = this.metrics;
    if (!settings || !metrics) return;
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== settings.path || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`only ${settings.path} is served here\n`);
        return;
      }
      void serveMetrics(metrics, request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new Error(`metrics.port ${settings.port}: cannot listen (${error.code ?? error.message})`, { cause: error })),
      );
      server.listen(settings.port, settings.host, resolve);
    });
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
