import { ConfigError } from './config-error.js';
import { importOptional } from './optional-package.js';

describe('importOptional', () => {
  const setting = { variable: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' };

  it('names the setting and the package to install when the package is missing', async () => {
    const loading = importOptional('@opentelemetry/not-installed-exporter', setting, () => import('@opentelemetry/not-installed-exporter' as string));
    await expect(loading).rejects.toThrow(ConfigError);
    await expect(loading).rejects.toThrow(
      'Invalid OTEL_EXPORTER_OTLP_PROTOCOL="grpc": needs the package @opentelemetry/not-installed-exporter: npm install @opentelemetry/not-installed-exporter',
    );
  });

  it('returns an installed package and leaves other failures alone', async () => {
    await expect(importOptional('@opentelemetry/core', setting, () => import('@opentelemetry/core'))).resolves.toHaveProperty('ExportResultCode');
    const broken = importOptional('@opentelemetry/core', setting, () => Promise.reject(new TypeError('broken module')));
    await expect(broken).rejects.toThrow(TypeError);
  });
});
