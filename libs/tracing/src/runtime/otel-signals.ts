import type { Resource } from '@opentelemetry/resources';
import { type Env, readEnv } from '../config/env.js';
import { importOptional } from '../config/optional-package.js';

function asked(env: Env, name: string): boolean {
  const value = readEnv(env, name);
  return value !== undefined && value !== 'none';
}

/**
 * OpenTelemetry metrics and logs pipelines, only when `OTEL_METRICS_EXPORTER` or
 * `OTEL_LOGS_EXPORTER` asks for them (the library serves metrics on /metrics and logs as JSON on
 * stdout). sdk-node builds them from those variables; it is imported only then, since importing it
 * costs more startup time and memory than the rest of tracing. Start it before the
 * instrumentations are registered, so they find its meter and logger providers.
 */
export async function startOtelSignals(resource: Resource, env: Env = process.env): Promise<{ shutdown(): Promise<void> } | undefined> {
  const metrics = asked(env, 'OTEL_METRICS_EXPORTER');
  const logs = asked(env, 'OTEL_LOGS_EXPORTER');
  if (!metrics && !logs) return undefined;
  const setting = metrics
    ? { variable: 'OTEL_METRICS_EXPORTER', value: readEnv(env, 'OTEL_METRICS_EXPORTER')! }
    : { variable: 'OTEL_LOGS_EXPORTER', value: readEnv(env, 'OTEL_LOGS_EXPORTER')! };
  const { NodeSDK } = await importOptional('@opentelemetry/sdk-node', setting, () => import('@opentelemetry/sdk-node'));
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    // The library owns context, propagation and traces: null skips the first two (sdk-node handles
    // null but its type does not say so), and an empty processor list leaves traces alone.
    contextManager: null as never,
    textMapPropagator: null,
    spanProcessors: [],
    ...(metrics ? {} : { metricReaders: [] }),
    ...(logs ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  return sdk;
}
