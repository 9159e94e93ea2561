/**
 * The least an unsampled request can cost on the OpenTelemetry SDK while it still propagates: per
 * request, the caller's context extracted, a root span started (ids generated, the sampler asked,
 * a non-recording span returned) and the handling run in that context, so logs and outgoing calls
 * could read the trace id. No instrumentation, nothing else. Our library is off.
 */
import { Server } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, ParentBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const provider = new TracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) });
trace.setGlobalTracerProvider(provider);
const tracer = provider.getTracer('unsampled-floor');

const emit = Server.prototype.emit;
Server.prototype.emit = function (event, ...args) {
  if (event !== 'request') return emit.call(this, event, ...args);
  const parent = propagation.extract(ROOT_CONTEXT, args[0].headers);
  const span = tracer.startSpan(args[0].method, { kind: SpanKind.SERVER }, parent);
  return context.with(trace.setSpan(parent, span), () => emit.call(this, event, ...args));
};
