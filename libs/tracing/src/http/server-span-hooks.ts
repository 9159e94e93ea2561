import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Attributes, Span } from '@opentelemetry/api';
import { tracingLogger } from '../runtime/tracing-logger.js';
import type { HttpServerSpanOptions } from '../tracing.interfaces.js';

/**
 * The SERVER span's hooks, as `@opentelemetry/instrumentation-http` names them, each wrapped so it
 * can never break the request: a hook that throws is skipped, and its first error is logged once.
 */
export class ServerSpanHooks {
  private readonly reported = new Set<string>();
  private readonly requestHeaders: readonly string[];
  private readonly responseHeaders: readonly string[];

  constructor(private readonly options: HttpServerSpanOptions = {}) {
    this.requestHeaders = (options.headersToSpanAttributes?.server?.requestHeaders ?? []).map((name) => name.toLowerCase());
    this.responseHeaders = (options.headersToSpanAttributes?.server?.responseHeaders ?? []).map((name) => name.toLowerCase());
  }

  /** True when `ignoreIncomingRequestHook` says the request is not to be traced (nor measured). */
  ignores(request: IncomingMessage): boolean {
    const hook = this.options.ignoreIncomingRequestHook;
    return hook !== undefined && this.safely('ignoreIncomingRequestHook', () => hook(request)) === true;
  }

  /** Attributes for the span's start, where the sampler sees them. */
  startAttributes(request: IncomingMessage): Attributes | undefined {
    const hook = this.options.startIncomingSpanHook;
    return hook === undefined ? undefined : this.safely('startIncomingSpanHook', () => hook(request));
  }

  /** At the start of a span that records: the request's headers asked for, then `requestHook`. */
  started(span: Span, request: IncomingMessage): void {
    if (this.requestHeaders.length > 0) span.setAttributes(headerAttributes('http.request.header', this.requestHeaders, request.headers));
    const hook = this.options.requestHook;
    if (hook) this.safely('requestHook', () => hook(span, request));
  }

  /** Before a span that records ends: the response's headers asked for, then `responseHook`. */
  ending(span: Span, response: ServerResponse): void {
    if (this.responseHeaders.length > 0) span.setAttributes(headerAttributes('http.response.header', this.responseHeaders, response.getHeaders()));
    const hook = this.options.responseHook;
    if (hook) this.safely('responseHook', () => hook(span, response));
  }

  private safely<T>(name: string, hook: () => T): T | undefined {
    try {
      return hook();
    } catch (error) {
      if (!this.reported.has(name)) {
        this.reported.add(name);
        tracingLogger.warn(`The ${name} threw and was skipped (reported once): ${(error as Error)?.message ?? String(error)}`);
      }
      return undefined;
    }
  }
}

/** `http.request.header.x-tenant: ['acme']`, as the HTTP semantic conventions have it: values as arrays. */
function headerAttributes(prefix: string, names: readonly string[], headers: IncomingHttpHeaders | OutgoingHttpHeaders): Attributes {
  const attributes: Attributes = {};
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) continue;
    attributes[`${prefix}.${name}`] = Array.isArray(value) ? value.map(String) : [String(value)];
  }
  return attributes;
}
