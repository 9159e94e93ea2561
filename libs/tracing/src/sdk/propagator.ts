import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TracingConfig } from '../tracing.interfaces.js';

type PropagatorName = TracingConfig['propagators'][number];

/** B3 is imported only when asked for: most services never need it. */
async function createOne(name: PropagatorName): Promise<TextMapPropagator> {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new W3CBaggagePropagator();
    case 'b3':
    case 'b3multi': {
      const { B3InjectEncoding, B3Propagator } = await import('@opentelemetry/propagator-b3');
      const injectEncoding = name === 'b3' ? B3InjectEncoding.SINGLE_HEADER : B3InjectEncoding.MULTI_HEADER;
      return new B3Propagator({ injectEncoding });
    }
  }
}

/** The propagators `OTEL_PROPAGATORS` names, in order; undefined for `none`. */
export async function createPropagator(config: TracingConfig): Promise<TextMapPropagator | undefined> {
  const propagators = await Promise.all(config.propagators.map(createOne));
  if (propagators.length === 0) return undefined;
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}
