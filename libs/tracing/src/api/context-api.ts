import { type Attributes, type Context, context, type Link, propagation, ROOT_CONTEXT, type Span, SpanKind, type SpanStatus, trace } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { ATTR_SERVER_SERVICE_NAME } from '@opentelemetry/semantic-conventions/incubating';
import type { DatabaseOperation, ExternalCall } from '../tracing.interfaces.js';
import { runInNewSpan } from './span-lifecycle.js';

/**
 * The trace context for code outside Nest's DI (scripts, queue consumers, plain classes): the same
 * operations as `TraceService`, under the same names. Each is a no-op without an active span.
 */

/** Headers or message metadata that carry the trace context (`traceparent`, `tracestate`, `baggage`). */
export type Carrier = Record<string, string>;

/** Options of `withSpan`. */
export interface WithSpanOptions {
  /** @default SpanKind.INTERNAL */
  kind?: SpanKind;
  /** Parent context, e.g. from {@link extractContext}. @default the active context */
  parent?: Context;
  /** Links to other traces, e.g. the request that queued this job; see {@link linkTo}. @default [] */
  links?: Link[];
}

export function getActiveSpan(): Span | undefined {
  return trace.getActiveSpan();
}

export function getTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

export function getSpanId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.spanId : undefined;
}

/** Runs `fn` (sync or async) in a new active span that ends when `fn` returns or settles. */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => T, options: WithSpanOptions = {}): T {
  const parent = options.parent ?? context.active();
  return runInNewSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes, links: options.links }, parent, fn);
}

export function addSpanAttributes(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

export function addSpanEvent(name: string, attributes?: Attributes): void {
  trace.getActiveSpan()?.addEvent(name, attributes);
}

export function recordException(error: unknown): void {
  trace.getActiveSpan()?.recordException(error instanceof Error ? error : String(error));
}

export function setSpanStatus(status: SpanStatus): void {
  trace.getActiveSpan()?.setStatus(status);
}

/** The active context, to run work in later with {@link runWithContext}. */
export function captureContext(): Context {
  return context.active();
}

export function runWithContext<T>(captured: Context, fn: () => T): T {
  return context.with(captured, fn);
}

/** Binds `fn` to the active context: wherever it is called later, it continues this trace. */
export function bindContext<F extends (...args: never[]) => unknown>(fn: F): F {
  return context.bind(context.active(), fn);
}

/** Writes W3C `traceparent`, `tracestate` and `baggage` of the active context into `carrier`. */
export function injectContext(carrier: Carrier = {}): Carrier {
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Reads a context written by {@link injectContext}, to pass as `parent` to {@link withSpan}. */
export function extractContext(carrier: Carrier): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** A link to the trace in `carrier`, for work that should start its own trace but point back. */
export function linkTo(carrier: Carrier, attributes?: Attributes): Link | undefined {
  const spanContext = trace.getSpanContext(extractContext(carrier));
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext, attributes } : undefined;
}

/** Describes a database operation on the active span with the semantic-convention attributes. */
export function traceDatabaseOperation({ operation, table, system, ...attributes }: DatabaseOperation): void {
  trace.getActiveSpan()?.setAttributes({
    ...attributes,
    [ATTR_DB_OPERATION_NAME]: operation,
    [ATTR_DB_COLLECTION_NAME]: table,
    [ATTR_DB_SYSTEM_NAME]: system,
  });
}

/** Describes a call to another service on the active span with the semantic-convention attributes. */
export function traceExternalCall({ service, endpoint, method, ...attributes }: ExternalCall): void {
  trace.getActiveSpan()?.setAttributes({
    ...attributes,
    [ATTR_SERVER_SERVICE_NAME]: service,
    [URL_PATTERN.test(endpoint) ? ATTR_URL_FULL : ATTR_URL_PATH]: endpoint,
    [ATTR_HTTP_REQUEST_METHOD]: method?.toUpperCase(),
  });
}

const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;
