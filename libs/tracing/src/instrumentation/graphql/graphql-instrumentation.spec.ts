import { HttpException, UnauthorizedException } from '@nestjs/common';
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../../testing/index.js';
import { markErrors, valueFreeTracer } from './graphql-instrumentation.js';

describe('the GraphQL instrumentation’s tracer', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  it('records an exception by its type alone: GraphQL messages quote the document’s values', () => {
    const tracer = valueFreeTracer(trace.getTracer('test'));
    const request = trace.getTracer('test').startSpan('request');
    context.with(trace.setSpan(ROOT_CONTEXT, request), () => {
      const span = tracer.startSpan('graphql.validate');
      span.recordException({ name: 'graphql.validation.error', message: 'Int cannot represent non-integer value: "hunter2"' });
      span.end();
    });
    request.end();
    const [validate] = tracing.spans();
    expect(validate.events[0].attributes).toEqual({
      'exception.type': 'graphql.validation.error',
      'exception.message': 'not recorded: GraphQL error messages may quote the values in the document',
    });
  });

  it('makes no span outside a trace (Nest printing its schema at startup)', () => {
    const span = valueFreeTracer(trace.getTracer('test')).startSpan('graphql.parse');
    span.end();
    expect(span.isRecording()).toBe(false);
    expect(tracing.spans()).toHaveLength(0);
  });
});

describe('markErrors', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  const spanFor = (result: Parameters<typeof markErrors>[1]) => {
    const span = trace.getTracer('test').startSpan('query GetUser');
    markErrors(span, result);
    span.end();
    return tracing.spans().at(-1)!;
  };

  it('leaves a response without errors, or with only the client’s, unmarked', () => {
    expect(spanFor({ data: {} } as never).status.code).toBe(SpanStatusCode.UNSET);
    expect(spanFor({ errors: [{ path: ['login'], originalError: new UnauthorizedException() }] }).status.code).toBe(SpanStatusCode.UNSET);
    expect(spanFor({ errors: [{ path: ['user'], extensions: { code: 'BAD_USER_INPUT' } }] }).status.code).toBe(SpanStatusCode.UNSET);
    // A request error: a variable of the wrong type, found before any field runs.
    expect(spanFor({ errors: [{ originalError: undefined }] }).status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a server error, typed by its code', () => {
    const span = spanFor({
      errors: [
        { path: ['login'], originalError: new UnauthorizedException() },
        { path: ['user'], originalError: new Error('boom'), extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ],
    });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('INTERNAL_SERVER_ERROR');
    expect(spanFor({ errors: [{ path: ['user'], originalError: new HttpException('down', 503) }] }).attributes['error.type']).toBe('GraphQLError');
  });
});
