import { HttpException } from '@nestjs/common';
import { type Span, SpanStatusCode } from '@opentelemetry/api';

/**
 * Every escaping exception leaves an event with its stack. Only a server error sets ERROR: a Nest
 * `HttpException` below 500 (a 404, a 409) is the client's doing, as the HTTP semantic conventions
 * have it, and would otherwise paint every not-found red in the trace view.
 */
export function recordError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  if (error instanceof HttpException && error.getStatus() < 500) return;
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
