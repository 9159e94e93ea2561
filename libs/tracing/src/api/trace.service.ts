import { Injectable } from '@nestjs/common';
import type { Attributes, Context, Link, Span, SpanStatus } from '@opentelemetry/api';
import type { DatabaseOperation, ExternalCall } from '../tracing.interfaces.js';
import * as api from './context-api.js';

/**
 * The trace context for Nest providers: the active span's ids, child spans, attributes, events and
 * status, and W3C context to carry across queues and processes. Every method is a no-op without an
 * active span, never an error. Code outside DI has the same functions in the `/context` subpath.
 */
@Injectable()
export class TraceService {
  getActiveSpan(): Span | undefined {
    return api.getActiveSpan();
  }

  getTraceId(): string | undefined {
    return api.getTraceId();
  }

  getSpanId(): string | undefined {
    return api.getSpanId();
  }

  withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => T, options?: api.WithSpanOptions): T {
    return api.withSpan(name, attributes, fn, options);
  }

  addSpanAttributes(attributes: Attributes): void {
    api.addSpanAttributes(attributes);
  }

  addSpanEvent(name: string, attributes?: Attributes): void {
    api.addSpanEvent(name, attributes);
  }

  recordException(error: unknown): void {
    api.recordException(error);
  }

  setSpanStatus(status: SpanStatus): void {
    api.setSpanStatus(status);
  }

  captureContext(): Context {
    return api.captureContext();
  }

  runWithContext<T>(captured: Context, fn: () => T): T {
    return api.runWithContext(captured, fn);
  }

  bindContext<F extends (...args: never[]) => unknown>(fn: F): F {
    return api.bindContext(fn);
  }

  injectContext(carrier?: api.Carrier): api.Carrier {
    return api.injectContext(carrier);
  }

  extractContext(carrier: api.Carrier): Context {
    return api.extractContext(carrier);
  }

  linkTo(carrier: api.Carrier, attributes?: Attributes): Link | undefined {
    return api.linkTo(carrier, attributes);
  }

  traceDatabaseOperation(operation: DatabaseOperation): void {
    api.traceDatabaseOperation(operation);
  }

  traceExternalCall(call: ExternalCall): void {
    api.traceExternalCall(call);
  }
}
