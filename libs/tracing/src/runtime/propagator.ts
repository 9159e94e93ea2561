import { type Context, propagation, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AttributeRedactor } from '../redaction/attribute-redactor.js';
import type { BaggageLimits, TracingConfig } from '../config/tracing-config.js';
import { importOptional } from '../config/optional-package.js';

type PropagatorName = TracingConfig['propagators'][number];

/**
 * W3C baggage whose inbound side is bounded: a request's baggage comes from whoever sent it, and
 * whatever is extracted is forwarded on every outgoing call and stored with every traced job.
 * Entries with a secret-looking key (the span redaction's rule) are dropped, then entries are kept
 * in order while they fit `maxEntries` and `maxBytes`. Outbound baggage is what the app set.
 */
export class BoundedBaggagePropagator extends W3CBaggagePropagator {
  private readonly redactor = new AttributeRedactor();

  constructor(private readonly limits: BaggageLimits) {
    super();
  }

  override extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const extracted = super.extract(context, carrier, getter);
    const baggage = propagation.getBaggage(extracted);
    if (!baggage || baggage === propagation.getBaggage(context)) return extracted;
    let bounded = propagation.createBaggage();
    let entries = 0;
    let bytes = 0;
    for (const [key, entry] of baggage.getAllEntries()) {
      if (this.redactor.isSecretKey(key)) continue;
      const size = Buffer.byteLength(key) + 1 + Buffer.byteLength(entry.value);
      if (entries >= this.limits.maxEntries || bytes + size > this.limits.maxBytes) continue;
      bounded = bounded.setEntry(key, entry);
      entries++;
      bytes += size;
    }
    return entries > 0 ? propagation.setBaggage(context, bounded) : propagation.deleteBaggage(context);
  }
}

/** B3, an optional peer dependency, is imported only when asked for: most services never need it. */
async function createOne(name: PropagatorName, config: TracingConfig): Promise<TextMapPropagator> {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new BoundedBaggagePropagator(config.baggageLimits);
    case 'b3':
    case 'b3multi': {
      const { B3InjectEncoding, B3Propagator } = await importOptional(
        '@opentelemetry/propagator-b3',
        { variable: 'OTEL_PROPAGATORS', value: config.propagators.join(',') },
        () => import('@opentelemetry/propagator-b3'),
      );
      const injectEncoding = name === 'b3' ? B3InjectEncoding.SINGLE_HEADER : B3InjectEncoding.MULTI_HEADER;
      return new B3Propagator({ injectEncoding });
    }
  }
}

/** The propagators `OTEL_PROPAGATORS` names, in order; undefined for `none`. */
export async function createPropagator(config: TracingConfig): Promise<TextMapPropagator | undefined> {
  const propagators = await Promise.all(config.propagators.map((name) => createOne(name, config)));
  if (propagators.length === 0) return undefined;
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}
