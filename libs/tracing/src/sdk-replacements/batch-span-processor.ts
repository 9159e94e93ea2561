import { context, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { BatchConfig } from '../config/tracing-config.js';

/** Where lost spans are counted (and, rate-limited, warned about). */
export interface DropCounter {
  add(spans: number, reason: string): void;
}

/**
 * The SDK's `BatchSpanProcessor` (see README.md here), with every lost span counted: to the queue
 * bound, to a failed export, to an export that outlives `exportTimeoutMillis` (this processor's own
 * deadline, whatever the exporter's timeout). The request path's cost is a queue push whatever the
 * backend does, and one batch is on the wire at a time, so a hanging backend holds one batch, not
 * a growing pile of requests.
 */
export class BatchSpanProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private inFlightSpans = 0;
  private shutdownPromise?: Promise<void>;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly config: BatchConfig,
    private readonly dropped: DropCounter,
  ) {}

  /** Spans queued or on the wire: what is lost if the process ends now. */
  get pendingSpans(): number {
    return this.queue.length + this.inFlightSpans;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.shutdownPromise || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queue.length >= this.config.maxQueueSize) {
      this.dropped.add(1, `export queue full (${this.config.maxQueueSize} spans)`);
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.config.maxExportBatchSize) void this.exportNext();
    else this.scheduleExport();
  }

  async forceFlush(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) await this.exportNext();
  }

  /** Exports what is queued, then shuts the exporter down; later calls return the same promise. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.forceFlush().then(() => this.exporter.shutdown());
    return this.shutdownPromise;
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
    this.inFlightSpans = batch.length;
    this.inFlight = this.exportBatch(batch).finally(() => {
      this.inFlight = undefined;
      this.inFlightSpans = 0;
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
      const deadline = setTimeout(() => settle(`export timed out after ${this.config.exportTimeoutMillis} ms`), this.config.exportTimeoutMillis);
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
      // Resource detectors that answer asynchronously (host.id) must settle before any resource is read.
      const pending = [...new Set(batch.map((span) => span.resource))]
        .filter((resource) => resource.asyncAttributesPending)
        .map((resource) => resource.waitForAsyncAttributes?.());
      if (pending.length > 0) Promise.all(pending).then(send, send);
      else send();
    });
  }
}
