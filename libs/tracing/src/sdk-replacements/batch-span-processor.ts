import { context, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { BatchConfig } from '../tracing.interfaces.js';
import type { DroppedSpans } from '../exporters/dropped-spans.js';

/**
 * A batch processor whose cost on the request path is a queue push, whatever the backend does.
 * Unlike the SDK's, it exports one batch at a time (a hanging backend holds one batch, not a growing
 * pile of requests), gives up on an export after `exportTimeoutMillis`, and counts every span it
 * loses, to the queue limit or to a failed export.
 */
export class BoundedBatchSpanProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private isShutdown = false;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly config: BatchConfig,
    private readonly dropped: DroppedSpans,
  ) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.isShutdown || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queue.length >= this.config.maxQueueSize) {
      this.dropped.add(1, 'export queue full');
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.config.maxExportBatchSize) void this.exportNext();
    else this.scheduleExport();
  }

  async forceFlush(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) await this.exportNext();
  }

  async shutdown(): Promise<void> {
    this.isShutdown = true;
    await this.forceFlush();
    await this.exporter.shutdown();
  }

  private scheduleExport(): void {
    if (this.timer || this.inFlight) return;
    this.timer = setTimeout(() => void this.exportNext(), this.config.scheduledDelayMillis);
    this.timer.unref();
  }

  private exportNext(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, this.config.maxExportBatchSize);
    this.inFlight = this.exportBatch(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length >= this.config.maxExportBatchSize) void this.exportNext();
      else if (this.queue.length > 0) this.scheduleExport();
    });
    return this.inFlight;
  }

  private exportBatch(batch: ReadableSpan[]): Promise<void> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (failure?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (failure) this.dropped.add(batch.length, failure);
        resolve();
      };
      const deadline = setTimeout(
        () => settle(`export timed out after ${this.config.exportTimeoutMillis} ms`),
        this.config.exportTimeoutMillis,
      );
      deadline.unref();
      // The exporter's own HTTP request must not be traced, or every export would create spans to export.
      const send = () =>
        context.with(suppressTracing(context.active()), () => {
          try {
            this.exporter.export(batch, (result) =>
              settle(result.code === ExportResultCode.SUCCESS ? undefined : `export failed: ${result.error?.message ?? 'unknown error'}`),
            );
          } catch (error) {
            settle(`export failed: ${(error as Error).message}`);
          }
        });
      // Resource detectors that answer asynchronously (host.id) must settle before the resource is read.
      const pending = batch.find((span) => span.resource.asyncAttributesPending)?.resource.waitForAsyncAttributes?.();
      if (pending) pending.then(send, send);
      else send();
    });
  }
}
