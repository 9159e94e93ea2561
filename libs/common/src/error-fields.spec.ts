import { errorFields } from './error-fields.js';

describe('errorFields', () => {
  it("keeps an error's type, message, stack and classifying fields, never the data a driver attached", () => {
    const error = Object.assign(new Error('null value in column "name" violates not-null constraint'), {
      code: '23502',
      table: 'users',
      column: 'name',
      query: 'INSERT INTO "users" ... VALUES ($1, $2, $3)',
      parameters: ['x@example.com', null, 'scrypt$16384$8$1$c2FsdA==$aGFzaA=='],
      detail: 'Failing row contains (x@example.com, null, scrypt$16384$8$1$c2FsdA==$aGFzaA==).',
      driverError: { detail: 'Failing row contains (scrypt$...)' },
    });
    const fields = errorFields(error);
    expect(fields).toEqual({
      type: 'Error',
      message: error.message,
      stack: error.stack,
      code: '23502',
      table: 'users',
      column: 'name',
    });
    expect(JSON.stringify(fields)).not.toContain('scrypt');
  });

  it('follows causes and aggregate errors a few levels, and describes non-errors', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', address: '127.0.0.1' });
    const fields = errorFields(new AggregateError([inner], 'all attempts failed', { cause: new Error('pool') }));
    expect(fields).toMatchObject({
      type: 'AggregateError',
      cause: { type: 'Error', message: 'pool' },
      errors: [{ type: 'Error', code: 'ECONNREFUSED' }],
    });
    expect(errorFields('boom')).toEqual({ type: 'string', message: 'boom' });
    // What pino's standard err serializer hands on: a plain copy with every enumerable field.
    expect(errorFields({ type: 'QueryFailedError', message: 'm', stack: 's', code: '22021', parameters: ['scrypt$'] })).toEqual({
      type: 'QueryFailedError',
      message: 'm',
      stack: 's',
      code: '22021',
    });
    expect(errorFields({ password: 'pw' })).toEqual({ type: 'object', message: 'non-Error value thrown' });
  });
});
