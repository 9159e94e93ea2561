import { setupTestTracing } from '../testing/index.js';
import { redactLogFields } from './log-redaction.js';

describe('redactLogFields', () => {
  it('replaces secret values at any of the first levels, in objects and arrays', () => {
    const line = {
      msg: 'signup',
      password: 'p1',
      user: { name: 'ann', passwordHash: 'p2', credentials: { apiKey: 'p3' } },
      headers: { Authorization: 'Bearer p4', 'set-cookie': 'p5', accept: 'json' },
      attempts: [{ token: 'p6' }, 'plain'],
    };
    expect(redactLogFields(line)).toEqual({
      msg: 'signup',
      password: '[REDACTED]',
      user: { name: 'ann', passwordHash: '[REDACTED]', credentials: { apiKey: '[REDACTED]' } },
      headers: { Authorization: '[REDACTED]', 'set-cookie': '[REDACTED]', accept: 'json' },
      attempts: [{ token: '[REDACTED]' }, 'plain'],
    });
    expect(line.user.passwordHash).toBe('p2');
  });

  it('returns the same object when nothing is secret, and leaves class instances to their serializers', () => {
    const error = Object.assign(new Error('boom'), { token: 'kept for the err serializer' });
    const line = { msg: 'ok', trace_id: 'abc', err: error, nested: { a: { b: { c: { password: 'too deep' } } } } };
    const redacted = redactLogFields(line);
    expect(redacted).toBe(line);
    expect(redacted.err).toBe(error);
  });

  it("follows the running tracing's keys, so a module's redactKeys masks logs as it masks spans", async () => {
    const line = { msg: 'lookup', user: { ssn: '123-45-6789', name: 'ann' } };
    expect(redactLogFields(line)).toBe(line);
    const tracing = setupTestTracing();
    try {
      tracing.runtime.attach([], { redactKeys: ['ssn'] });
      expect(redactLogFields(line)).toEqual({ msg: 'lookup', user: { ssn: '[REDACTED]', name: 'ann' } });
    } finally {
      await tracing.shutdown();
    }
    expect(redactLogFields(line)).toBe(line);
  });
});
