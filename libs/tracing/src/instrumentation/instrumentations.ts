import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { InstrumentationName } from '../config/tracing-config.js';

type Loader = () => Promise<Instrumentation>;

/** Only the instrumentations in use are imported: each costs startup time and per-call patching. */
const LOADERS: Record<InstrumentationName, Loader> = {
  http: async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    // Incoming requests get the library's own server span (ServerRequestTracer): the
    // instrumentation's parses every URL and binds both emitters of every request, sampled or not.
    return new HttpInstrumentation({ disableIncomingRequestInstrumentation: true });
  },
  undici: async () => {
    const { UndiciInstrumentation } = await import('@opentelemetry/instrumentation-undici');
    return new UndiciInstrumentation();
  },
  express: async () => {
    const { ExpressInstrumentation } = await import('@opentelemetry/instrumentation-express');
    return new ExpressInstrumentation();
  },
  pg: async () => {
    const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
    // Pool housekeeping outside a request is noise, and so is a span per connection checkout (a
    // wait for the pool shows as the gap before the first query); query values never leave the process.
    return new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true, enhancedDatabaseReporting: false });
  },
  ioredis: async () => {
    const { IORedisInstrumentation } = await import('@opentelemetry/instrumentation-ioredis');
    return new IORedisInstrumentation({ requireParentSpan: true });
  },
};

export function loadInstrumentations(names: readonly InstrumentationName[]): Promise<Instrumentation[]> {
  return Promise.all(names.map((name) => LOADERS[name]()));
}
