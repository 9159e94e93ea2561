import type { Context } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ConsoleTreeExporter } from './console-tree-exporter.js';

/**
 * Feeds the console tree as spans end instead of in export batches, so a trace is on the terminal
 * the moment its work is done, not a batch delay later. It counts the spans of each trace still
 * running in this process, which is what lets the tree print a trace once, whole.
 * `redact` is applied to each span before it is held, as the export path does for other exporters.
 */
export class ConsoleTreeProcessor implements SpanProcessor {
  private readonly running = new Map<string, number>();

  constructor(
    private readonly tree: ConsoleTreeExporter,
    private readonly redact: (span: ReadableSpan) => ReadableSpan = (span) => span,
  ) {}

  onStart(span: Span, _parent: Context): void {
    const traceId = span.spanContext().traceId;
    this.running.set(traceId, (this.running.get(traceId) ?? 0) + 1);
  }

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const running = (this.running.get(traceId) ?? 1) - 1;
    if (running > 0) this.running.set(traceId, running);
    else this.running.delete(traceId);
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.tree.ended(this.redact(span), running > 0);
  }

  forceFlush(): Promise<void> {
    return this.tree.forceFlush();
  }

  shutdown(): Promise<void> {
    this.running.clear();
    return this.tree.shutdown();
  }
}
