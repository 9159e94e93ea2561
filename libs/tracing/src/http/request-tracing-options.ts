import {
  DEFAULT_IGNORED_METHODS,
  DEFAULT_IGNORED_PATHS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_TRACE_ID_HEADER,
} from '../tracing.constants.js';
import type { TracingModuleOptions } from '../tracing.interfaces.js';

/**
 * The module options that request handling reads on every request. One mutable object: the
 * instrumentation hooks created by the preload see what the module sets later.
 */
export interface RequestTracingOptions {
  ignorePaths: readonly (string | RegExp)[];
  ignoreMethods: ReadonlySet<string>;
  traceIdHeader: string | false;
  shutdownTimeoutMs: number;
  httpHandlerSpans: boolean;
}

export function defaultRequestTracingOptions(): RequestTracingOptions {
  return {
    ignorePaths: DEFAULT_IGNORED_PATHS,
    ignoreMethods: new Set(DEFAULT_IGNORED_METHODS),
    traceIdHeader: DEFAULT_TRACE_ID_HEADER,
    shutdownTimeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    httpHandlerSpans: false,
  };
}

export function applyModuleOptions(target: RequestTracingOptions, options: TracingModuleOptions): void {
  if (options.ignorePaths) target.ignorePaths = options.ignorePaths;
  if (options.ignoreMethods) target.ignoreMethods = new Set(options.ignoreMethods.map((method) => method.toUpperCase()));
  if (options.traceIdHeader !== undefined) target.traceIdHeader = options.traceIdHeader;
  if (options.shutdownTimeoutMs !== undefined) target.shutdownTimeoutMs = options.shutdownTimeoutMs;
  if (options.httpHandlerSpans !== undefined) target.httpHandlerSpans = options.httpHandlerSpans;
}

/** Runs up to three times per request (server span, request metrics, access log), so allocates nothing. */
export function isIgnoredRequest(options: RequestTracingOptions, method: string | undefined, url: string | undefined): boolean {
  if (method !== undefined && options.ignoreMethods.has(method)) return true;
  const path = pathOf(url ?? '/');
  for (const ignored of options.ignorePaths) {
    if (typeof ignored === 'string' ? isSameOrUnder(path, ignored) : ignored.test(path)) return true;
  }
  return false;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** `/health` covers `/health` and `/health/db`, not `/healthz`. */
function isSameOrUnder(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === SLASH);
}

const SLASH = 0x2f;
