import { Injectable } from '@nestjs/common';
import type { Attributes, Context, Link, Span, SpanStatus } from '@opentelemetry/api';
import type { DatabaseOperation, ExternalCall } from '../tracing.interfaces.js';
import * as api from './context-api.js';

/** The injectable face of {@link api}: the same functions, for code that prefers DI. Never throws without a span. */
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

  addAttributes(attributes: Attributes): void {
    api.addAttributes(attributes);
  }

  addEvent(name: string, attributes?: Attributes): void {
    api.addEvent(name, attributes);
  }

  recordException(error: unknown): void {
    api.recordException(error);
  }

  setStatus(status: SpanStatus): void {
    api.setStatus(status);
  }

  captureContext(): Context {
    return api.captureContext();
  }

  runWithContext<T>(captured: Context, fn: () => T): T {
    return api.runWithContext(captured, fn);
  }

  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    return api.bind(fn);
  }

  inject(carrier?: api.Carrier): api.Carrier {
    return api.inject(carrier);
  }

  extract(carrier: api.Carrier): Context {
    return api.extract(carrier);
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
