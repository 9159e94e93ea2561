import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace';
import type { AttributeRedactor } from './attribute-redactor.js';

/**
 * Redacts on the way out, in the export batch rather than on the request path, so every exporter
 * (console included) sees only redacted values and requests pay nothing for it.
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(
    private readonly exporter: SpanExporter,
    private readonly redactor: AttributeRedactor,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exporter.export(
      spans.map((span) => redactSpan(span, this.redactor)),
      resultCallback,
    );
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

export function redactSpan(span: ReadableSpan, redactor: AttributeRedactor): ReadableSpan {
  const attributes = redactor.redact(span.attributes);
  const events = redactEvents(span.events, redactor);
  if (attributes === span.attributes && events === span.events) return span;
  // A view over the original: the SDK's span methods (spanContext()) keep working through the prototype.
  return Object.create(span, {
    attributes: { value: attributes, enumerable: true },
    events: { value: events, enumerable: true },
  }) as ReadableSpan;
}

function redactEvents(events: TimedEvent[], redactor: AttributeRedactor): TimedEvent[] {
  let copy: TimedEvent[] | undefined;
  events.forEach((event, index) => {
    const attributes = redactor.redact(event.attributes);
    if (attributes === event.attributes) return;
    copy ??= [...events];
    copy[index] = { ...event, attributes };
  });
  return copy ?? events;
}
