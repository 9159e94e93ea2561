/**
 * Configuration (d): the setup the OpenTelemetry docs give Node users ("Getting started"),
 * preloaded with `node --import`: sdk-node, getNodeAutoInstrumentations() with its defaults, a
 * batched OTLP exporter, and the ESM loader hook the docs add for ES modules. Endpoints come from
 * OTEL_EXPORTER_OTLP_ENDPOINT; metrics and logs use the SDK's defaults, as in the docs.
 */
import { register } from 'node:module';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const sdk = new NodeSDK({
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [getNodeAutoInstrumentations()],
});
sdk.start();
