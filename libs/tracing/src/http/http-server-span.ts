import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Span, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { RequestTracingOptions } from './request-filter.js';

/** The request as Express (`route`) or Fastify (`routeOptions`) leave it once a route matched. */
export interface RoutedRequest extends IncomingMessage {
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
  baseUrl?: string;
}

const ROUTE = Symbol.for('nestjs-tracing.route');

/** Fastify knows the route on its own request object only; the server hook copies it onto the raw one. */
export function recordRoute(request: object, route: string): void {
  (request as { [ROUTE]?: string })[ROUTE] = route;
}

/**
 * A path that matches every request (`{/*splat}`, `/*path`, `*`, `(.*)`) is a middleware's, bound to
 * all routes (nestjs-pino's is), never the route that answered: a request no route matched has it.
 */
export function isCatchAll(path: string): boolean {
  return /^\/?(?:\{\/?\*\w*\}|\*\w*|\(\.\*\))$/.test(path);
}

/** The route template (`/users/:id`), never the raw path, or undefined when no route matched. */
export function routeTemplate(request: RoutedRequest): string | undefined {
  const recorded = (request as { [ROUTE]?: string })[ROUTE];
  if (recorded !== undefined) return recorded;
  const expressPath = request.route?.path;
  if (typeof expressPath === 'string' && !isCatchAll(expressPath)) return `${request.baseUrl ?? ''}${expressPath}` || '/';
  const fastifyUrl = request.routeOptions?.url;
  return typeof fastifyUrl === 'string' ? fastifyUrl : undefined;
}

export function nameServerSpan(span: Span, method: string | undefined, route: string): void {
  span.setAttribute(ATTR_HTTP_ROUTE, route);
  span.updateName(`${method ?? 'GET'} ${route}`);
}

/** Only sampled traces get the header: an unsampled id would lead the user to nothing. */
export function setTraceIdHeader(options: RequestTracingOptions, response: ServerResponse, span: Span): void {
  const spanContext = span.spanContext();
  if (!options.traceIdHeader || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return;
  if (!response.headersSent) response.setHeader(options.traceIdHeader, spanContext.traceId);
}

/**
 * As the HTTP semantic conventions (and the HTTP instrumentation) have it: 5xx is an error with
 * `error.type` the status code; a 4xx is the client's and leaves the status unset.
 */
export function markServerError(span: Span, statusCode: number): void {
  if (statusCode < 500) return;
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute(ATTR_ERROR_TYPE, String(statusCode));
}

/** `error.type` of a request whose client went away before the response was sent. */
export const ABORTED = 'aborted';

/**
 * The client closed the connection before the response was sent: the span gets no status code (none
 * was sent), and fails with `error.type` `aborted`, as the HTTP conventions have it for a request
 * that ends before a status code.
 */
export function markAborted(span: Span): void {
  span.setAttribute(ATTR_ERROR_TYPE, ABORTED);
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection before the response was sent' });
}

export function recordResponseStatus(span: Span, statusCode: number): void {
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
}
