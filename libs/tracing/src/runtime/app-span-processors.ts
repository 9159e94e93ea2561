import { type Context, createContextKey } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** The span processors of one Nest application, from its module's options. */
export interface AppScope {
  readonly processors: readonly SpanProcessor[];
}

const APP_SCOPE_KEY = createContextKey('nestjs-tracing application');

/**
 * Registered with the tracer provider when the SDK starts (the preload runs before any Nest app
 * exists), and handing each span to the processors of the app it belongs to. Apps come and go:
 * a test process creates and closes many. A span started inside an app's request (its context
 * carries the app) goes to that app only, once more than one app is attached; any other span
 * goes to every attached app.
 */
export class AppSpanProcessors implements SpanProcessor {
  private scopes: AppScope[] = [];
  /** The app of each span in flight, needed only while more than one app is attached. */
  private readonly owners = new WeakMap<Span | ReadableSpan, AppScope>();

  attach(processors: readonly SpanProcessor[]): AppScope {
    const scope: AppScope = { processors };
    this.scopes = [...this.scopes, scope];
    return scope;
  }

  /** Stops routing spans to the app, then flushes and shuts down its processors. */
  async detach(scope: AppScope): Promise<void> {
    if (!this.scopes.includes(scope)) return;
    this.scopes = this.scopes.filter((attached) => attached !== scope);
    await Promise.all(scope.processors.map((processor) => processor.shutdown()));
  }

  /** Marks a request's context as the app's, so the spans started in it reach only that app. */
  withApp(parent: Context, scope: AppScope): Context {
    return this.scopes.length > 1 ? parent.setValue(APP_SCOPE_KEY, scope) : parent;
  }

  onStart(span: Span, parentContext: Context): void {
    const scopes = this.scopes;
    if (scopes.length === 1) {
      for (const processor of scopes[0].processors) processor.onStart(span, parentContext);
      return;
    }
    const owner = parentContext.getValue(APP_SCOPE_KEY) as AppScope | undefined;
    if (owner) this.owners.set(span, owner);
    for (const scope of this.appsOf(owner)) {
      for (const processor of scope.processors) processor.onStart(span, parentContext);
    }
  }

  onEnd(span: ReadableSpan): void {
    const scopes = this.scopes;
    if (scopes.length === 0) return;
    const owner = scopes.length === 1 ? undefined : this.owners.get(span);
    for (const scope of this.appsOf(owner)) {
      for (const processor of scope.processors) processor.onEnd(span);
    }
  }

  /** The app a span belongs to while it is attached (none once it has left), or every app for a span of no app. */
  private appsOf(owner: AppScope | undefined): readonly AppScope[] {
    if (!owner) return this.scopes;
    return this.scopes.includes(owner) ? [owner] : [];
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.scopes.flatMap((scope) => scope.processors.map((processor) => processor.forceFlush())));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.scopes.map((scope) => this.detach(scope)));
  }
}
