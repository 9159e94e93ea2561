import { HttpException } from '@nestjs/common';
import { type Span, SpanStatusCode } from '@opentelemetry/api';

/** The status Nest's exception filter will answer with for this error. */
function httpStatusOf(error: unknown): number {
  return error instanceof HttpException ? error.getStatus() : 500;
}

/**
 * Every exception leaves an event with its stack on the handler span; only server errors (5xx)
 * mark it ERROR, since a 4xx is the client's doing.
 */
export function recordHandlerError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  if (httpStatusOf(error) >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
}
