import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RequestMetrics } from '../metrics/request-metrics.js';
import { ServerRequestTracer } from './server-request-tracer.js';

const HOOKED = Symbol('server.hooked');

type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Runs the library's per-request work at the HTTP server's `request` event, before any framework
 * middleware: body parsing, and requests it refuses, are inside the server span and the request
 * metric. The metric is recorded inside the span, which becomes its exemplar; with tracing off the
 * tracer passes straight through. Microservice-only apps have no HTTP server and nothing to hook.
 */
@Injectable()
export class HttpServerHook implements OnApplicationBootstrap {
  constructor(
    private readonly tracer: ServerRequestTracer,
    private readonly metrics: RequestMetrics,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost?.httpAdapter?.getHttpServer() as (Server & { [HOOKED]?: true }) | undefined;
    if (!server || server[HOOKED]) return;
    const emit = server.emit as Emit;
    const { tracer, metrics } = this;
    server.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'request') return emit.apply(this, [event, ...args]);
      const [request, response] = args as [IncomingMessage, ServerResponse];
      let handled = false;
      tracer.handle(request, response, () => {
        metrics.record(request, response);
        handled = emit.apply(this, [event, ...args]);
      });
      return handled;
    } as typeof server.emit;
    Object.defineProperty(server, HOOKED, { value: true });
  }
}
