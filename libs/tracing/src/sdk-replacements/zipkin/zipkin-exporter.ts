import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { toZipkinSpan } from './zipkin-span.js';

export interface ZipkinExporterOptions {
  url: string;
  /** Per-request deadline. */
  timeoutMillis: number;
  /** Exports allowed on the wire at once; beyond it a batch fails at once instead of piling up. */
  maxInFlight: number;
}

/**
 * Replaces `@opentelemetry/exporter-zipkin`, which has no request timeout, no bound on in-flight
 * requests and can send fractional timestamps or zero durations that Zipkin rejects.
 */
export class ZipkinExporter implements SpanExporter {
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ZipkinExporterOptions) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.inFlight.size >= this.options.maxInFlight) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('too many Zipkin exports in flight') });
      return;
    }
    const request = this.send(spans).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error }),
    );
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }

  private async send(spans: ReadableSpan[]): Promise<void> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spans.map(toZipkinSpan)),
      signal: AbortSignal.timeout(this.options.timeoutMillis),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`Zipkin answered ${response.status} ${response.statusText}`);
  }
}
