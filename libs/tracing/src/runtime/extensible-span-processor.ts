import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * The SDK fixes its processors when it starts, which the preload does before Nest exists; this
 * processor is registered then and receives the processors the module options bring later.
 */
export class ExtensibleSpanProcessor implements SpanProcessor {
  private processors: SpanProcessor[] = [];

  add(processors: readonly SpanProcessor[]): void {
    this.processors = [...this.processors, ...processors];
  }

  onStart(span: Span, parentContext: Context): void {
    for (const processor of this.processors) processor.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    for (const processor of this.processors) processor.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.shutdown()));
  }
}
