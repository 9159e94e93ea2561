import { loadEmailServiceConfig } from './email-service.config.js';

describe('loadEmailServiceConfig', () => {
  it('defaults to port 3001, no latency, no failures, and idempotency keys kept a day within 16 MiB', () => {
    expect(loadEmailServiceConfig({})).toEqual({
      port: 3001,
      tcpPort: 3002,
      latencyMs: 0,
      failureRate: 0,
      idempotencyTtlMs: 86_400_000,
      idempotencyMaxBytes: 16 * 1024 * 1024,
    });
  });

  it('reads the demonstration knobs and refuses bad ones', () => {
    expect(loadEmailServiceConfig({ EMAIL_LATENCY_MS: '250', EMAIL_FAILURE_RATE: '0.2' })).toMatchObject({ latencyMs: 250, failureRate: 0.2 });
    expect(() => loadEmailServiceConfig({ EMAIL_LATENCY_MS: '-5' })).toThrow('Invalid EMAIL_LATENCY_MS="-5"');
    expect(loadEmailServiceConfig({ IDEMPOTENCY_TTL_SECONDS: '60', IDEMPOTENCY_MEMORY_MB: '2' })).toMatchObject({
      idempotencyTtlMs: 60_000,
      idempotencyMaxBytes: 2 * 1024 * 1024,
    });
    expect(() => loadEmailServiceConfig({ IDEMPOTENCY_MEMORY_MB: '0' })).toThrow('Invalid IDEMPOTENCY_MEMORY_MB="0"');
  });
});
