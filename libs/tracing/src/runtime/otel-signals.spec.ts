import { metrics } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { freePort } from '@app/test-support';
import { startOtelSignals } from './otel-signals.js';

const resource = resourceFromAttributes({ 'service.name': 'signals-test' });

describe('startOtelSignals', () => {
  it('starts nothing unless OTEL_METRICS_EXPORTER or OTEL_LOGS_EXPORTER asks', async () => {
    expect(await startOtelSignals(resource, {})).toBeUndefined();
    expect(await startOtelSignals(resource, { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: ' ' })).toBeUndefined();
  });

  it('serves OpenTelemetry metrics through the exporter OTEL_METRICS_EXPORTER names', async () => {
    const port = await freePort();
    const env = { OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) };
    Object.assign(process.env, env);
    const signals = await startOtelSignals(resource, env);
    try {
      metrics.getMeter('signals-test').createCounter('signals_test_total').add(3);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/signals_test_total\{[^}]*\} 3/);
    } finally {
      await signals?.shutdown();
      metrics.disable();
      for (const name of Object.keys(env)) delete process.env[name];
    }
  });
});
