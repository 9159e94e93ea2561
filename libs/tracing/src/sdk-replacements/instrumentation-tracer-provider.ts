import { type Context, context, type Span, type SpanOptions, trace, type Tracer, type TracerOptions, type TracerProvider } from '@opentelemetry/api';

/**
 * The tracer the instrumentations (pg, ioredis, undici, http) get. Under an unsampled parent it
 * hands back the parent's own non-recording span instead of asking the SDK for a new one (which
 * would run the sampler, generate an id and allocate a span that records nothing): a request that
 * is not sampled then costs its database and HTTP calls almost nothing. The trace id and the
 * unsampled flag still propagate downstream; only the parent id they carry is the enclosing span's.
 */
class ParentFollowingTracer implements Tracer {
  constructor(
    private readonly tracer: Tracer,
    readonly isUnsampled: (parent: Context) => boolean,
  ) {}

  startSpan(name: string, options?: SpanOptions, parent: Context = context.active()): Span {
    if (!options?.root && this.isUnsampled(parent)) return trace.wrapSpanContext(trace.getSpanContext(parent)!);
    return this.tracer.startSpan(name, options, parent);
  }

  startActiveSpan = ((name: string, ...args: unknown[]) => {
    const run = args[args.length - 1] as (span: Span) => unknown;
    const options = args.length >= 2 ? (args[0] as SpanOptions | undefined) : undefined;
    const parent = args.length >= 3 ? ((args[1] as Context | undefined) ?? context.active()) : context.active();
    const span = this.startSpan(name, options, parent);
    return context.with(trace.setSpan(parent, span), run, undefined, span);
  }) as Tracer['startActiveSpan'];
}

/** Each instrumentation asks for its tracer once, when it is registered, and keeps it. */
export class InstrumentationTracerProvider implements TracerProvider {
  constructor(
    private readonly provider: TracerProvider,
    private readonly isUnsampled: (parent: Context) => boolean,
  ) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return new ParentFollowingTracer(this.provider.getTracer(name, version, options), this.isUnsampled);
  }
}

/**
 * Whether `tracer`, an instrumentation's, would hand back the parent's own non-recording span for
 * a span under `parent`: false for any tracer but this provider's, which then decides as usual.
 */
export function skipsSpansUnder(tracer: Tracer | undefined, parent: Context): boolean {
  return tracer instanceof ParentFollowingTracer && tracer.isUnsampled(parent);
}
