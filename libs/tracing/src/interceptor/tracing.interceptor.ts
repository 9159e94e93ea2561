import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { context, SpanKind } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import type { Observable } from 'rxjs';
import type { TracingRuntime } from '../sdk/tracing-runtime.js';
import { TRACING_RUNTIME } from '../tracing.constants.js';
import { isUnsampled, libraryTracer } from '../trace/library-tracer.js';
import { runInSpan } from '../trace/span-lifecycle.js';
import { routeTemplate, type RoutedRequest } from './http-server-span.js';

/**
 * Wraps every handler in an INTERNAL span `Controller.method` under the request's SERVER span,
 * and gives that SERVER span its route template. Works for HTTP, microservice and WebSocket
 * handlers alike; only HTTP has a server span to name.
 */
@Injectable()
export class TracingInterceptor implements NestInterceptor {
  constructor(@Inject(TRACING_RUNTIME) private readonly runtime: TracingRuntime) {}

  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.runtime.enabled) return next.handle();
    const parent = context.active();
    // An unsampled request's spans record nothing, the server span's name included.
    if (isUnsampled(parent)) return next.handle();
    if (executionContext.getType() === 'http') this.nameServerSpan(executionContext);
    const name = `${executionContext.getClass().name}.${executionContext.getHandler().name}`;
    const span = libraryTracer().startSpan(
      name,
      { kind: SpanKind.INTERNAL, attributes: { [ATTR_CODE_FUNCTION_NAME]: name } },
      parent,
    );
    return runInSpan(span, parent, () => next.handle());
  }

  /**
   * The server request tracer names the SERVER span from this route when the response ends (the
   * instrumentation's span, if another one made it, reads the same field), and marks a 5xx there.
   */
  private nameServerSpan(executionContext: ExecutionContext): void {
    const rpcMetadata = getRPCMetadata(context.active());
    if (rpcMetadata?.type !== RPCType.HTTP) return;
    const route = routeTemplate(executionContext.switchToHttp().getRequest<RoutedRequest>());
    if (route) rpcMetadata.route = route;
  }
}
