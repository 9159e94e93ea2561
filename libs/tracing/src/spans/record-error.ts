import { HttpException } from '@nestjs/common';
import { type Exception, type Span, SpanStatusCode } from '@opentelemetry/api';

/**
 * Every escaping exception leaves an event with its stack. Only a server error sets ERROR: a Nest
 * `HttpException` below 500 (a 404, a 409) is the client's doing, as the HTTP semantic conventions
 * have it, and would otherwise paint every not-found red in the trace view.
 */
export function recordError(span: Span, error: unknown): void {
  if (error instanceof HttpException && error.getStatus() < 500) {
    span.recordException(asException(error));
    return;
  }
  recordFailure(span, error);
}

/**
 * Records `error` and sets ERROR whatever it is: a message that a handler could not process, or a
 * job that failed, failed, even when the exception is a 4xx `HttpException`.
 */
export function recordFailure(span: Span, error: unknown): void {
  const exception = asException(error);
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof exception === 'string' ? exception : exception.message });
}

const failed = new WeakSet<Span>();

/**
 * {@link recordFailure}, once per span: a failure that passes two wrappers on its way out (the
 * method's own, then its caller's) is one failure.
 */
export function recordFailureOnce(span: Span, error: unknown): void {
  if (failed.has(span)) return;
  failed.add(span);
  recordFailure(span, error);
}

/**
 * An `Error` as it is, typed by its class where it left `name` as `Error` (Nest's `RpcException`,
 * most apps' own errors); a plain object with a `message` (what Nest's RPC exception filter sends
 * back, `{ status: 'error', message }`) by its message, so the span never says `[object Object]`.
 */
function asException(error: unknown): Exception {
  if (error instanceof Error) {
    const type = error.constructor.name;
    return error.name === 'Error' && type !== 'Error' && type !== '' ? { name: type, message: error.message, stack: error.stack } : error;
  }
  const message = (error as { message?: unknown } | null)?.message;
  if (message === undefined) return String(error);
  return { message: typeof message === 'string' ? message : JSON.stringify(message) };
}
