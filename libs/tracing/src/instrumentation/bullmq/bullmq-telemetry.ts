import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  type Exception,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { recordFailure } from '../../spans/record-error.js';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_PROCESS,
  MESSAGING_OPERATION_TYPE_SEND,
} from '../messaging-attributes.js';
import { handOverContext, sentContext } from '../message-span.js';
import { contextFields, contextFrom } from '../microservices/carriers.js';

/** The attempt BullMQ is about to process, set around `Worker.processJob`. */
export interface JobAttempt {
  /** `job.attemptsStarted`: counts this attempt, and attempts a killed worker never finished. */
  attempt: number;
  /** A run of a job scheduler (repeatable job): its own trace, linked to the context that scheduled it. */
  scheduled: boolean;
}

const JOB_ATTEMPT = createContextKey('nestjs-tracing bullmq job attempt');
const LINK_ONLY = createContextKey('nestjs-tracing bullmq link only');

export function withJobAttempt(active: Context, attempt: JobAttempt): Context {
  return active.setValue(JOB_ATTEMPT, attempt);
}

/** BullMQ's span attributes that also have a messaging convention. */
const CONVENTIONAL_NAMES: Record<string, string> = {
  'bullmq.queue.name': ATTR_MESSAGING_DESTINATION_NAME,
  'bullmq.job.id': ATTR_MESSAGING_MESSAGE_ID,
};
/** A job's return value, which BullMQ would copy into an event as JSON, past any redaction by key. */
const JOB_RESULT = 'bullmq.job.result';

type BullAttributes = Record<string, unknown>;

/**
 * BullMQ's `Span` (bullmq/dist/esm/interfaces/telemetry.d.ts) over an OpenTelemetry span. Adding a
 * job is a hand-over: BullMQ's Redis commands under a PRODUCER span make no spans of their own.
 */
class JobSpan {
  constructor(
    readonly span: Span,
    private readonly producer: boolean,
  ) {}

  setSpanOnContext(ctx: Context): Context {
    return this.producer ? handOverContext(ctx, this.span) : trace.setSpan(ctx, this.span);
  }

  setAttribute(key: string, value: unknown): void {
    this.setAttributes({ [key]: value });
  }

  // BullMQ describes every span it starts; under an unsampled parent nobody will read it.
  setAttributes(attributes: BullAttributes): void {
    if (!this.span.isRecording()) return;
    this.span.setAttributes(attributes as Attributes);
    for (const key in attributes) {
      const value = attributes[key];
      if (key in CONVENTIONAL_NAMES && value !== undefined && value !== null) this.span.setAttribute(CONVENTIONAL_NAMES[key], String(value));
    }
  }

  addEvent(name: string, attributes?: BullAttributes): void {
    if (!this.span.isRecording()) return;
    const kept = Object.entries(attributes ?? {}).filter(([key]) => key !== JOB_RESULT);
    this.span.addEvent(name, Object.fromEntries(kept) as Attributes);
  }

  recordException(exception: Exception): void {
    recordFailure(this.span, exception);
  }

  end(): void {
    this.span.end();
  }
}

/**
 * BullMQ's internal operations (fetching the next job, extending locks, moving a job between
 * states) get no span: they would add a span per poll and per job that says what the CONSUMER span
 * already says. Their context is the enclosing one.
 */
const PASS_THROUGH = {
  setSpanOnContext: (ctx: Context): Context => ctx,
  setAttribute: (): void => {},
  setAttributes: (): void => {},
  addEvent: (): void => {},
  recordException: (): void => {},
  end: (): void => {},
};

/**
 * BullMQ's `Telemetry` interface, given to every `Queue`, `Worker` and `FlowProducer` the app did
 * not give one of its own. BullMQ stores the context it returns with each job, so a job's
 * processing continues the trace that added it, through retries, delays and worker restarts:
 *
 * - adding (`add`, `addBulk`, flows) is a PRODUCER span;
 * - each processing attempt is a CONSUMER span, child of the PRODUCER span; a retry is scheduled
 *   with the same parent, so the attempts sit side by side under it, each with its number;
 * - a run of a job scheduler (repeatable job) starts its own trace, linked to the producer, so a
 *   schedule running for months never grows one endless trace.
 */
export class BullMqTelemetry {
  /** The metadata a CONSUMER span was started from, which a retry of its job is scheduled with. */
  private readonly attemptParents = new WeakMap<Span, string>();

  readonly tracer = {
    startSpan: (name: string, options: { kind: SpanKind }, ctx?: Context): JobSpan | typeof PASS_THROUGH => {
      // A flow's nodes are added inside the flow's hand-over: their spans start from its span.
      if (options.kind === SpanKind.PRODUCER) return this.startProducer(name, sentContext(ctx ?? context.active()));
      if (options.kind === SpanKind.CONSUMER) return this.startConsumer(name, ctx);
      return PASS_THROUGH;
    },
  };

  readonly contextManager = {
    with: <T>(ctx: Context, fn: () => T): T => context.with(ctx, fn),
    active: (): Context => context.active(),
    root: (): Context => ROOT_CONTEXT,
    getMetadata: (ctx: Context): string => {
      const span = trace.getSpan(sentContext(ctx));
      const attemptParent = span && this.attemptParents.get(span);
      return attemptParent ?? JSON.stringify(contextFields(ctx) ?? {});
    },
    fromMetadata: (active: Context, metadata: string): Context => {
      const parent = contextFrom(parseMetadata(metadata)).setValue(METADATA, metadata);
      if (!(active.getValue(JOB_ATTEMPT) as JobAttempt | undefined)?.scheduled) return parent;
      return ROOT_CONTEXT.setValue(LINK_ONLY, trace.getSpanContext(parent)).setValue(METADATA, metadata);
    },
  };

  constructor(private readonly otelTracer: () => Tracer) {}

  private startProducer(name: string, parent: Context): JobSpan {
    const span = this.otelTracer().startSpan(name, { kind: SpanKind.PRODUCER }, parent);
    if (span.isRecording()) {
      span.setAttributes({
        [ATTR_MESSAGING_SYSTEM]: 'bullmq',
        [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_SEND,
        [ATTR_MESSAGING_OPERATION_NAME]: name.split(' ')[0],
      });
    }
    return new JobSpan(span, true);
  }

  /** `ctx` is what `fromMetadata` made of the job's stored context, or undefined for a job added untraced. */
  private startConsumer(name: string, ctx: Context | undefined): JobSpan {
    const linked = ctx?.getValue(LINK_ONLY) as ReturnType<typeof trace.getSpanContext>;
    const parent = ctx && !linked ? ctx : ROOT_CONTEXT;
    const links = linked ? [{ context: linked }] : undefined;
    const span = this.otelTracer().startSpan(name, { kind: SpanKind.CONSUMER, links }, parent);
    if (span.isRecording()) {
      span.setAttributes({
        [ATTR_MESSAGING_SYSTEM]: 'bullmq',
        [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_PROCESS,
        [ATTR_MESSAGING_OPERATION_NAME]: MESSAGING_OPERATION_TYPE_PROCESS,
        'bullmq.job.attempt': (context.active().getValue(JOB_ATTEMPT) as JobAttempt | undefined)?.attempt,
      });
    }
    const metadata = ctx?.getValue(METADATA) as string | undefined;
    if (metadata !== undefined && !linked) this.attemptParents.set(span, metadata);
    return new JobSpan(span, false);
  }
}

const METADATA = createContextKey('nestjs-tracing bullmq job metadata');

/** A job's stored context: JSON of the propagation fields, as bullmq-otel writes it too. Anything else is no context. */
function parseMetadata(metadata: string): unknown {
  try {
    return JSON.parse(metadata);
  } catch {
    return undefined;
  }
}
