import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { TRACING_REQUEST_OPTIONS } from '../tracing.constants.js';
import type { TracingModuleOptions } from '../tracing.interfaces.js';
import { ServerSpanHooks } from './server-span-hooks.js';

export const DEFAULT_TRACE_ID_HEADER = 'x-trace-id';
export const DEFAULT_IGNORED_PATHS: readonly string[] = ['/health', '/metrics', '/socket.io'];
export const DEFAULT_IGNORED_METHODS: readonly string[] = ['OPTIONS'];
export const DEFAULT_METRICS_PATH = '/metrics';

/** The module options that request handling reads, resolved once and never changed. */
export interface RequestTracingOptions {
  readonly ignorePaths: readonly (string | RegExp)[];
  readonly ignoreMethods: ReadonlySet<string>;
  readonly traceIdHeader: string | false;
  readonly httpHandlerSpans: boolean;
  /** Whether the library keeps Prometheus metrics at all (`metrics: false` turns them off). */
  readonly metrics: boolean;
  /** Where the HTTP server hook serves them, under the app's global prefix; false when it does not. */
  readonly metricsPath: string | false;
  /** The port of their own they are served on, at `metricsPath`'s path, or undefined (the app's port). */
  readonly metricsPort?: { port: number; host?: string; path: string };
  readonly defaultMetrics: boolean;
  /** The SERVER span's hooks (`http` option). */
  readonly hooks: ServerSpanHooks;
}

export function resolveRequestOptions(options: TracingModuleOptions): RequestTracingOptions {
  const metrics = options.metrics ?? true;
  const path = metrics === false ? false : metrics === true ? DEFAULT_METRICS_PATH : (metrics.path ?? DEFAULT_METRICS_PATH);
  const port = typeof metrics === 'object' ? metrics.port : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new Error(`metrics.port must be an integer from 0 to 65535, not ${port}`);
  const servedPath = path === false ? false : normalisePath(path);
  const metricsPath = port === undefined ? servedPath : false;
  const ignorePaths = options.ignorePaths ?? DEFAULT_IGNORED_PATHS;
  return {
    // The metrics path is never traced or measured: scrapes would drown the real traffic.
    ignorePaths: metricsPath && !ignorePaths.includes(metricsPath) ? [...ignorePaths, metricsPath] : ignorePaths,
    ignoreMethods: new Set((options.ignoreMethods ?? DEFAULT_IGNORED_METHODS).map((method) => method.toUpperCase())),
    traceIdHeader: options.traceIdHeader ?? DEFAULT_TRACE_ID_HEADER,
    httpHandlerSpans: options.httpHandlerSpans ?? false,
    metrics: metrics !== false,
    metricsPath,
    metricsPort: port === undefined ? undefined : { port, host: (metrics as { host?: string }).host, path: servedPath || DEFAULT_METRICS_PATH },
    defaultMetrics: metrics === true || metrics === false ? metrics : (metrics.defaultMetrics ?? true),
    hooks: new ServerSpanHooks(options.http),
  };
}

const UNTRACED = Symbol.for('nestjs-tracing.untraced');
type MarkedRequest = { [UNTRACED]?: true };

/**
 * Decides which requests the library leaves alone (health checks, scrapes, `OPTIONS`): no span, no
 * request metric. String paths match the path and everything under it, both as written and under
 * the app's global prefix (`app.setGlobalPrefix('api')` makes `/health` also match `/api/health`);
 * regular expressions are matched against the path as received.
 */
@Injectable()
export class RequestFilter implements OnApplicationBootstrap {
  private paths: readonly (string | RegExp)[];
  private prefix = '';

  constructor(
    @Inject(TRACING_REQUEST_OPTIONS) private readonly options: RequestTracingOptions,
    @Optional() private readonly appConfig?: ApplicationConfig,
  ) {
    this.paths = options.ignorePaths;
  }

  /** The global prefix is set after the module is created (`app.setGlobalPrefix`), before the app listens. */
  onApplicationBootstrap(): void {
    const prefix = normalisePath(this.appConfig?.getGlobalPrefix() ?? '');
    this.prefix = prefix === '/' ? '' : prefix;
    if (!this.prefix) return;
    const prefixed = this.options.ignorePaths.filter((path) => typeof path === 'string').map((path) => this.prefix + path);
    this.paths = [...this.options.ignorePaths, ...prefixed];
  }

  /** `/metrics` as the app serves it: under the global prefix, if any. */
  routePath(path: string): string {
    return this.prefix + path;
  }

  /** Runs for every request, so allocates nothing. Ignored requests are marked for {@link isUntracedRequest}. */
  isIgnored(request: { method?: string; url?: string }): boolean {
    const ignored = this.matches(request.method, request.url) || this.options.hooks.ignores(request as IncomingMessage);
    if (ignored) (request as MarkedRequest)[UNTRACED] = true;
    return ignored;
  }

  private matches(method: string | undefined, url: string | undefined): boolean {
    if (method !== undefined && this.options.ignoreMethods.has(method)) return true;
    const path = pathOf(url ?? '/');
    for (const ignored of this.paths) {
      if (typeof ignored === 'string' ? isSameOrUnder(path, ignored) : ignored.test(path)) return true;
    }
    return false;
  }
}

/**
 * Whether the library left this request untraced (health checks, scrapes, OPTIONS), for code that
 * should treat the same requests alike, such as a logger's access line. Known once the HTTP server
 * has received the request, before any middleware runs.
 */
export function isUntracedRequest(request: object): boolean {
  return (request as MarkedRequest)[UNTRACED] === true;
}

/** The path without its query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function normalisePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return `/${trimmed}`;
}

/** `/health` covers `/health` and `/health/db`, not `/healthz`. */
function isSameOrUnder(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === SLASH);
}

const SLASH = 0x2f;
