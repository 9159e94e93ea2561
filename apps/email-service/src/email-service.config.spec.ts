import { loadEmailServiceConfig } from './email-service.config.js';

describe('loadEmailServiceConfig', () => {
  it('defaults to port 3001, no latency and no failures', () => {
    expect(loadEmailServiceConfig({})).toEqual({ port: 3001, latencyMs: 0, failureRate: 0 });
  });

  it('reads the demonstration knobs and refuses bad ones', () => {
    expect(loadEmailServiceConfig({ EMAIL_LATENCY_MS: '250', EMAIL_FAILURE_RATE: '0.2' })).toMatchObject({ latencyMs: 250, failureRate: 0.2 });
    expect(() => loadEmailServiceConfig({ EMAIL_LATENCY_MS: '-5' })).toThrow('Invalid EMAIL_LATENCY_MS="-5"');
  });
});
