import { type Context, context, ROOT_CONTEXT, TraceFlags, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { InstrumentationTracerProvider } from '../sdk-replacements/instrumentation-tracer-provider.js';
import { IOREDIS_TRACED_COMMAND } from './contrib-instrumentations.js';
import { bypassWhenUnsampled } from './unsampled-bypass.js';

type Command = (this: { name: string }, key: string) => string;

/** The runtime's rule with a parent-based sampler: a parent without the sampled flag. */
const unsampled = (parent: Context) => (trace.getSpanContext(parent)?.traceFlags ?? TraceFlags.SAMPLED) === TraceFlags.NONE;

/** What the wrapper sees of an instrumentation: its tracer, and a method that takes the original and returns its traced replacement. */
class CommandInstrumentation {
  instrumentationName = 'command';
  instrumentationVersion = '1';
  traced: string[] = [];
  constructor(public tracer: Tracer = new InstrumentationTracerProvider(new TracerProvider(), unsampled).getTracer('command')) {}
  _traceCommand(original: Command, version: string): Command {
    const traced = this.traced;
    return function (this: { name: string }, key: string) {
      traced.push(`${version} ${key}`);
      return original.call(this, key);
    };
  }
}

const parentWith = (traceFlags: TraceFlags) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: 'd4cda95b652f4a1592b449d5929fda1b', spanId: '6e0c63257de34c92', traceFlags });

describe('bypassWhenUnsampled', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => context.disable());

  const setUp = () => {
    const instrumentation = bypassWhenUnsampled(new CommandInstrumentation() as never, '_traceCommand') as unknown as CommandInstrumentation;
    const original: Command = function (key) {
      return `${this.name}:${key}`;
    };
    const client = { name: 'client', get: instrumentation._traceCommand(original, 'v5') };
    return { instrumentation, client };
  };

  it('calls the original, with its this and arguments, under an unsampled parent', () => {
    const { instrumentation, client } = setUp();
    expect(context.with(parentWith(TraceFlags.NONE), () => client.get('a'))).toBe('client:a');
    expect(instrumentation.traced).toEqual([]);
  });

  it('traces under a sampled parent and outside any trace, where the instrumentation decides', () => {
    const { instrumentation, client } = setUp();
    expect(context.with(parentWith(TraceFlags.SAMPLED), () => client.get('b'))).toBe('client:b');
    expect(client.get('c')).toBe('client:c');
    expect(instrumentation.traced).toEqual(['v5 b', 'v5 c']);
  });

  it("decides nothing when the instrumentation's tracer is not the library's", () => {
    const instrumentation = bypassWhenUnsampled(
      new CommandInstrumentation(new TracerProvider().getTracer('other')) as never,
      '_traceCommand',
    ) as unknown as CommandInstrumentation;
    const client = {
      name: 'client',
      get: instrumentation._traceCommand(function (this: { name: string }, key: string) {
        return key;
      }, 'v5'),
    };
    context.with(parentWith(TraceFlags.NONE), () => client.get('d'));
    expect(instrumentation.traced).toEqual(['v5 d']);
  });

  it('leaves an instrumentation without the method as it is', () => {
    const instrumentation = new CommandInstrumentation();
    expect(bypassWhenUnsampled(instrumentation as never, '_renamed')).toBe(instrumentation);
    expect(instrumentation._traceCommand).toBe(CommandInstrumentation.prototype._traceCommand);
  });

  it('finds the method in the installed ioredis instrumentation', () => {
    expect(typeof (IORedisInstrumentation.prototype as unknown as Record<string, unknown>)[IOREDIS_TRACED_COMMAND]).toBe('function');
  });
});
