import { propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { loadTracingConfig } from '../config/index.js';
import { createPropagator } from './propagator.js';

const SPAN_CONTEXT = { traceId: 'd4cda95b652f4a1592b449d5929fda1b', spanId: '6e0c63257de34c92', traceFlags: TraceFlags.SAMPLED };

async function injectedHeaders(propagators?: string): Promise<Record<string, string>> {
  const propagator = await createPropagator(loadTracingConfig(propagators ? { OTEL_PROPAGATORS: propagators } : {}));
  const carrier: Record<string, string> = {};
  const withBaggage = propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, SPAN_CONTEXT), propagation.createBaggage({ tenant: { value: 'a' } }));
  propagator?.inject(withBaggage, carrier, { set: (target, key, value) => (target[key] = value) });
  return carrier;
}

describe('createPropagator', () => {
  it('defaults to W3C trace context and baggage', async () => {
    expect(await injectedHeaders()).toEqual({
      traceparent: `00-${SPAN_CONTEXT.traceId}-${SPAN_CONTEXT.spanId}-01`,
      baggage: 'tenant=a',
    });
  });

  it('speaks B3 single and multi header when OTEL_PROPAGATORS asks', async () => {
    expect(await injectedHeaders('b3')).toEqual({ b3: `${SPAN_CONTEXT.traceId}-${SPAN_CONTEXT.spanId}-1` });
    expect(await injectedHeaders('b3multi,tracecontext')).toMatchObject({
      'x-b3-traceid': SPAN_CONTEXT.traceId,
      'x-b3-spanid': SPAN_CONTEXT.spanId,
      'x-b3-sampled': '1',
      traceparent: expect.stringContaining(SPAN_CONTEXT.traceId),
    });
  });

  it('keeps inbound baggage within TRACING_BAGGAGE_MAX_ENTRIES and _MAX_BYTES, without secret-looking keys', async () => {
    const extract = async (header: string, env: Record<string, string> = {}) => {
      const propagator = await createPropagator(loadTracingConfig(env));
      const context = propagator!.extract(ROOT_CONTEXT, { baggage: header }, { get: (carrier, key) => carrier[key], keys: Object.keys });
      return Object.fromEntries((propagation.getBaggage(context)?.getAllEntries() ?? []).map(([key, entry]) => [key, entry.value]));
    };
    expect(await extract('tenant=a,auth_token=t,userPassword=p,session.cookie=c,region=eu')).toEqual({ tenant: 'a', region: 'eu' });

    const many = Array.from({ length: 40 }, (_, index) => `k${index}=v`).join(',');
    expect(Object.keys(await extract(many))).toHaveLength(16);
    expect(Object.keys(await extract(many, { TRACING_BAGGAGE_MAX_ENTRIES: '3' }))).toEqual(['k0', 'k1', 'k2']);

    // An entry that does not fit is skipped; a smaller one after it may still fit.
    const sized = `big=${'x'.repeat(2000)},small=1,other=${'y'.repeat(1020)}`;
    expect(await extract(sized)).toEqual({ small: '1' });
    expect(await extract('tenant=a', { TRACING_BAGGAGE_MAX_BYTES: '0' })).toEqual({});
  });

  it('propagates nothing for none', async () => {
    expect(await createPropagator(loadTracingConfig({ OTEL_PROPAGATORS: 'none' }))).toBeUndefined();
  });
});
