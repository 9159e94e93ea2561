import { BadRequestException, ConflictException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { SpanStatusCode } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { withSpan } from '../api/context-api.js';

describe('recordError', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing();
  });
  afterEach(() => tracing.shutdown());

  const fail = (error: unknown) => {
    expect(() =>
      withSpan('op', {}, () => {
        throw error;
      }),
    ).toThrow();
    const [span] = tracing.spans();
    tracing.reset();
    return span;
  };

  it.each([new BadRequestException(), new NotFoundException(), new ConflictException()])(
    'records a client error (%s) as an event without setting ERROR',
    (error) => {
      const span = fail(error);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.events[0].attributes?.['exception.type']).toBe(error.constructor.name);
    },
  );

  it.each([new Error('plain'), new InternalServerErrorException('server'), 'a string'])('sets ERROR for %p', (error) => {
    const span = fail(error);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events[0].name).toBe('exception');
  });
});
