import { type Context, type Exception, type Span, type SpanOptions, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation, type GraphQLInstrumentationConfig } from '@opentelemetry/instrumentation-graphql';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { withinTracesTracer } from '../within-traces.js';

/**
 * A GraphQL error's message may quote the document's literal values (`Expected value of type
 * "Int!", found "hunter2"`, `Syntax Error: Unexpected Name "hunter2"`): parse, validation and
 * execution errors are recorded by their type alone.
 */
const VALUE_FREE_MESSAGE = 'not recorded: GraphQL error messages may quote the values in the document';

/**
 * The contrib GraphQL instrumentation as the library configures it: the operation span named as
 * the semantic conventions say (`query GetUser`), with `graphql.operation.*` and the document
 * without its literal values, and the parse and validate spans before it; a response with a
 * server error marks the operation span, though HTTP says 200.
 *
 * Its resolver spans are off: with Nest's code-first schemas it traces every `@Field` (Nest gives
 * each one a resolve function) and misses the resolvers Nest attaches after building the schema.
 * The interceptor makes one span per resolver the app wrote instead (`graphql/resolver-spans.ts`).
 * GraphQL work outside a trace (Nest printing its schema at startup, a subscription's events) makes
 * no spans, as the database instrumentations make none there.
 */
export function graphqlInstrumentation(options: GraphQLInstrumentationConfig = {}): Instrumentation {
  return new ValueFreeGraphQLInstrumentation({ allowValues: false, ignoreResolveSpans: true, responseHook: markErrors, ...options });
}

class ValueFreeGraphQLInstrumentation extends GraphQLInstrumentation {
  private wrapped?: { tracer: Tracer; valueFree: Tracer };

  protected override get tracer(): Tracer {
    const tracer = super.tracer;
    if (this.wrapped?.tracer !== tracer) this.wrapped = { tracer, valueFree: valueFreeTracer(tracer) };
    return this.wrapped.valueFree;
  }
}

/** Spans only inside a trace, whose recorded exceptions keep their type and lose their message. */
export function valueFreeTracer(tracer: Tracer): Tracer {
  const withinTraces = withinTracesTracer(tracer);
  return {
    startSpan(name: string, options?: SpanOptions, parent?: Context): Span {
      const span = withinTraces.startSpan(name, options, parent);
      const recordException = span.recordException.bind(span);
      span.recordException = (exception: Exception, time) => recordException({ name: exceptionType(exception), message: VALUE_FREE_MESSAGE }, time);
      return span;
    },
    startActiveSpan: tracer.startActiveSpan.bind(tracer) as Tracer['startActiveSpan'],
  };
}

function exceptionType(exception: Exception): string {
  if (typeof exception === 'string') return 'Error';
  return exception.name ?? (exception as { code?: string | number }).code?.toString() ?? 'Error';
}

interface GraphQLErrorLike {
  /** Where in the response a field error arose; a request error (a variable of the wrong type) has none. */
  path?: readonly unknown[];
  /** What the resolver threw, a Nest `HttpException` among others. */
  originalError?: unknown;
  extensions?: { code?: unknown };
}

/** Apollo's codes for errors the client caused, which the HTTP conventions would answer with a 4xx. */
const CLIENT_ERROR_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'BAD_REQUEST', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);

function isClientError(error: GraphQLErrorLike): boolean {
  if (error.path === undefined) return true;
  const original = error.originalError as { getStatus?: () => unknown; status?: unknown; statusCode?: unknown } | null | undefined;
  const status = typeof original?.getStatus === 'function' ? original.getStatus() : (original?.status ?? original?.statusCode);
  if (typeof status === 'number') return status < 500;
  const code = error.extensions?.code;
  return typeof code === 'string' && CLIENT_ERROR_CODES.has(code);
}

/**
 * The operation failed if its response has an error the server caused: ERROR, typed by that error's
 * code. Errors the client caused (a request error such as a variable of the wrong type, a Nest
 * `HttpException` below 500, Apollo's `UNAUTHENTICATED`, `BAD_USER_INPUT`) leave it unset, as a 4xx
 * leaves an HTTP server span.
 */
export function markErrors(span: Span, result: { errors?: readonly GraphQLErrorLike[] } | undefined): void {
  const serverError = result?.errors?.find((error) => !isClientError(error));
  if (!serverError) return;
  const code = serverError.extensions?.code;
  span.setAttribute(ATTR_ERROR_TYPE, typeof code === 'string' ? code : 'GraphQLError');
  span.setStatus({ code: SpanStatusCode.ERROR });
}
