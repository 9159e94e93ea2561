import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { tracingLogger } from '../runtime/tracing-logger.js';
import { REQUEST_OBSERVER } from '../tracing.constants.js';
import { recordRoute } from './http-server-span.js';
import { RequestFilter } from './request-filter.js';
import { ServerRequestTracer } from './server-request-tracer.js';
import { rememberUpgrade } from './websocket-messages.js';

/** Per-request work beside tracing (the request metrics), given to the hook by the module. */
export interface RequestObserver {
  /** Called for every request the filter lets through, inside its server span if it has one. */
  observe(request: IncomingMessage, response: ServerResponse): void;
  /** Answers an ignored request itself (a metrics scrape) and returns true, or returns false. */
  answer(request: IncomingMessage, response: ServerResponse): boolean;
}

const HOOKED = Symbol('nestjs-tracing.server-hooked');

type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

interface FastifyInstance {
  addHook(name: 'onRequest', hook: (request: { raw: object; routeOptions?: { url?: string } }, reply: unknown, done: () => void) => void): void;
}

/**
 * Runs the library's per-request work at the HTTP server's `request` event, before any framework
 * middleware, so body parsing and the requests it refuses are inside the server span and the
 * request metric, on Express and Fastify alike. The metric is recorded inside the span, which
 * becomes its exemplar. Microservice-only apps have no HTTP server and nothing to hook.
 */
@Injectable()
export class HttpServerHook implements OnApplicationBootstrap, OnApplicationShutdown {
  private unhook?: () => void;

  constructor(
    private readonly filter: RequestFilter,
    private readonly tracer: ServerRequestTracer,
    @Optional() @Inject(REQUEST_OBSERVER) private readonly observer?: RequestObserver | null,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    // Every Nest application provides HttpAdapterHost; only a second copy of @nestjs/core, whose
    // class is another token, leaves it unresolved, and then nothing the library does would work.
    if (!this.adapterHost) {
      throw new Error(
        'nestjs-tracing resolved another copy of @nestjs/core than the app, as a linked checkout with ' +
          'its own node_modules does: install the package (npm install nestjs-tracing, or its packed tarball) instead.',
      );
    }
    const adapter = this.adapterHost.httpAdapter;
    const server = adapter?.getHttpServer() as (Server & { [HOOKED]?: true }) | undefined;
    if (!adapter || !server || server[HOOKED]) return;
    const platform = adapter.getType();
    if (platform !== 'express' && platform !== 'fastify') {
      tracingLogger.warn(
        `The HTTP platform "${platform}" is neither express nor fastify: its requests are traced and measured, ` +
          'but named by method only (route="unmatched" in metrics).',
      );
    }
    // Fastify matches the route on its own request object; copied onto the raw request, it names
    // the span and the request metric as Express's `request.route` does, for refused requests too.
    if (platform === 'fastify') {
      (adapter.getInstance() as FastifyInstance).addHook('onRequest', (request, _reply, done) => {
        const route = request.routeOptions?.url;
        if (route !== undefined) recordRoute(request.raw, route);
        done();
      });
    }
    const emit = server.emit as Emit;
    const { filter, tracer, observer } = this;
    server.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'request') {
        if (event === 'upgrade') rememberUpgrade(args[0] as IncomingMessage);
        return emit.apply(this, [event, ...args]);
      }
      const [request, response] = args as [IncomingMessage, ServerResponse];
      if (filter.isIgnored(request)) {
        if (observer?.answer(request, response)) return true;
        return tracer.untraced(() => emit.apply(this, [event, ...args]));
      }
      let handled = false;
      tracer.handle(request, response, () => {
        observer?.observe(request, response);
        handled = emit.apply(this, [event, ...args]);
      });
      return handled;
    } as typeof server.emit;
    Object.defineProperty(server, HOOKED, { value: true, configurable: true });
    this.unhook = () => {
      server.emit = emit as typeof server.emit;
      delete server[HOOKED];
    };
  }

  onApplicationShutdown(): void {
    this.unhook?.();
    this.unhook = undefined;
  }
}
