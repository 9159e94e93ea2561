import { context, createContextKey, type Span, SpanKind, trace } from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { recordFailureOnce } from '../../spans/record-error.js';
import { callRecordingFailure, runInContext } from '../../spans/run-in-span.js';
import { type Method, type Patch, PatchingInstrumentation } from '../patching-instrumentation.js';

/** The name of the event emitted, where the listener's pattern (`user.*`) names the span. */
export const ATTR_EVENT_NAME = 'nestjs.event.name';

type Listener = (...args: unknown[]) => unknown;
type EventName = string | symbol | (string | symbol)[];
type Register = (event: EventName, listener: Listener, options?: unknown) => unknown;

interface EventEmitterModule {
  EventEmitterModule: { forRoot(): { providers?: unknown[] } };
}

const LISTENER_SPAN = createContextKey('nestjs-tracing event listener span');

/** `user.created`, `order.*`, `a.b` for `['a', 'b']` (EventEmitter2's default delimiter). */
export function eventName(event: unknown): string {
  return Array.isArray(event) ? event.map(String).join('.') : String(event);
}

/**
 * Traces `@nestjs/event-emitter` 12: each call of an `@OnEvent` listener, sync or async, from `emit`
 * or `emitAsync`, gets an INTERNAL span `event <event>` under the emitter's context, with the
 * listener's `Class.method` and its exception (which Nest logs and swallows unless the listener
 * has `suppressErrors: false`).
 *
 * It patches the package's `EventSubscribersLoader`, which the package does not export; its
 * module's `forRoot()` lists it among the providers it returns, which is where it is found.
 */
export class NestEventEmitterInstrumentation extends PatchingInstrumentation {
  private readonly loader: { prototype: object } | undefined;

  constructor(eventEmitter: object) {
    super('event-emitter');
    const providers = (eventEmitter as EventEmitterModule).EventEmitterModule?.forRoot().providers ?? [];
    this.loader = providers.find((provider): provider is { prototype: object } => (provider as { name?: string }).name === 'EventSubscribersLoader');
  }

  protected patches(): Patch[] {
    if (!this.loader) return [];
    const loader = this.loader.prototype as Record<string, Method>;
    return [
      [loader, 'getRegisterListenerMethodBasedOn', (getRegister) => this.tracedRegistration(getRegister)],
      [loader, 'wrapFunctionInTryCatchBlocks', (call) => this.describedCall(call)],
    ];
  }

  /** Nest registers each listener through the method this returns: the listener registered is traced. */
  private tracedRegistration(getRegister: Method): Method {
    const traced = (event: EventName, listener: Listener) => this.tracedListener(event, listener);
    return function (this: unknown, options: unknown): Register {
      const register = (getRegister as (options: unknown) => Register).call(this, options);
      return (event, listener, listenerOptions) => register(event, traced(event, listener), listenerOptions);
    } as Method;
  }

  private tracedListener(event: EventName, listener: Listener): Listener {
    const name = `event ${eventName(event)}`;
    const enabled = () => this.isEnabled();
    const tracer = () => this.tracer;
    // EventEmitter2 calls a listener with the emitter as `this`, whose `event` is the event emitted.
    return function (this: { event?: unknown } | undefined, ...args: unknown[]): unknown {
      if (!enabled()) return listener.apply(this, args);
      const parent = context.active();
      const emitted = eventName(this?.event ?? event);
      const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes: { [ATTR_EVENT_NAME]: emitted } }, parent);
      const active = trace.setSpan(parent, span).setValue(LISTENER_SPAN, span);
      return runInContext(span, active, () => listener.apply(this, args), recordFailureOnce);
    };
  }

  /** Names the listener's span after its method, and records its failure before Nest swallows it. */
  private describedCall(call: Method): Method {
    return function (this: unknown, instance: Record<PropertyKey, Listener>, methodKey: PropertyKey, ...rest: unknown[]): unknown {
      const span = context.active().getValue(LISTENER_SPAN) as Span | undefined;
      const original = call as (instance: unknown, methodKey: PropertyKey, ...rest: unknown[]) => unknown;
      if (!span) return original.call(this, instance, methodKey, ...rest);
      span.setAttribute(ATTR_CODE_FUNCTION_NAME, `${instance.constructor?.name ?? 'Object'}.${String(methodKey)}`);
      // Nest calls `instance[methodKey]`: it is given an object whose method records a failure first.
      const recording = { [methodKey]: (...args: unknown[]) => callRecordingFailure(span, () => instance[methodKey](...args)) };
      return original.call(this, recording, methodKey, ...rest);
    } as Method;
  }
}
