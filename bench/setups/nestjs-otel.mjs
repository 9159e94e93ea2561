/**
 * Configuration (e): the same app instrumented as nestjs-otel's README says. Its `tracing.ts` builds
 * a NodeSDK (Prometheus metrics on 8081, a batch span processor, W3C + B3 propagators,
 * getNodeAutoInstrumentations()); `main.ts` starts it in `bootstrap()`, before NestFactory.create
 * but after the imports, and imports `OpenTelemetryModule.forRoot({ metrics: { hostMetrics: true } })`.
 * Two deviations, both in its favour: OTLP instead of the deprecated Jaeger exporter, and no
 * Jaeger propagator (not installed).
 */
import { Module } from '@nestjs/common';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { B3Propagator } from '@opentelemetry/propagator-b3';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { bootstrapApp } from '@app/common';
import { OpenTelemetryModule } from 'nestjs-otel';
import { AppModule } from '../../dist/apps/users-api/app.module.js';
import { loadUsersApiConfig } from '../../dist/apps/users-api/users-api.config.js';

const otelSDK = new NodeSDK({
  metricReader: new PrometheusExporter({ port: Number(process.env.NESTJS_OTEL_METRICS_PORT ?? 8081) }),
  spanProcessor: new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }),
  contextManager: new AsyncLocalStorageContextManager(),
  textMapPropagator: new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new B3Propagator()],
  }),
  instrumentations: [getNodeAutoInstrumentations()],
});

otelSDK.start();
const config = loadUsersApiConfig();
class NestjsOtelBenchModule {}
Module({
  imports: [AppModule.register(config, { url: config.databaseUrl }), OpenTelemetryModule.forRoot({ metrics: { hostMetrics: true } })],
})(NestjsOtelBenchModule);
await bootstrapApp(() => NestjsOtelBenchModule, { name: 'users-api', port: config.port });
