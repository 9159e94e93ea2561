/**
 * The OpenTelemetry floor: the SDK's tracer provider with the context manager and W3C propagation,
 * and the HTTP instrumentation alone; no exporter, so every span is made and dropped. What any
 * OpenTelemetry setup pays for a server span before it does anything with it. Our library is off.
 */
import { register } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { AlwaysOffSampler, ParentBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
// `BENCH_FLOOR_SAMPLER=parentbased_always_off` (bench/peers.mjs's otel-floor-0): the floor of an
// unsampled request. The SDK's TracerProvider reads no sampler variable of its own.
const unsampled = process.env.BENCH_FLOOR_SAMPLER === 'parentbased_always_off';
const provider = new TracerProvider(unsampled ? { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) } : {});
trace.setGlobalTracerProvider(provider);
registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider: provider });
