import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_DB_COLLECTION_NAME, ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_TEXT, ATTR_DB_SYSTEM_NAME } from '@opentelemetry/semantic-conventions';
import { ATTR_SERVER_SERVICE_NAME } from '@opentelemetry/semantic-conventions/incubating';
import { exemplarOf } from './exemplar.js';
import type { TracingMetrics } from './tracing-metrics.js';

/** `INSERT INTO "users"`, `FROM users`, `UPDATE "users"`: the first table a statement names. */
const SQL_TABLE = /\b(?:from|into|update|join)\s+"?([\w.]+)"?/i;

/**
 * Derives `traces_total`, `db_query_duration_seconds` and `external_requests_total` from finished
 * spans, so they need no instrumentation of their own. They see recorded spans only: below 100 %
 * sampling their counts scale with the rate, while ratios and quantiles stay true.
 */
export class SpanMetricsProcessor implements SpanProcessor {
  constructor(private readonly metrics: TracingMetrics) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    const exemplar = exemplarOf(span.spanContext());
    const failed = span.status.code === SpanStatusCode.ERROR;
    if (!span.parentSpanContext || span.parentSpanContext.isRemote) this.metrics.countTrace(failed ? 'error' : 'ok', exemplar);
    const attributes = span.attributes;
    if (span.kind === SpanKind.CLIENT && attributes[ATTR_DB_SYSTEM_NAME] !== undefined) {
      const operation = databaseOperation(span);
      if (operation) {
        const table = String(attributes[ATTR_DB_COLLECTION_NAME] ?? String(attributes[ATTR_DB_QUERY_TEXT] ?? '').match(SQL_TABLE)?.[1] ?? '');
        this.metrics.observeQuery({ operation, table }, hrTimeToMilliseconds(span.duration) / 1000, exemplar);
      }
    }
    const service = attributes[ATTR_SERVER_SERVICE_NAME];
    if (service !== undefined) this.metrics.countExternalRequest(String(service), failed ? 'error' : 'success', exemplar);
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}

/** Queries only: connection-pool spans carry no statement and no operation. */
function databaseOperation(span: ReadableSpan): string | undefined {
  const named = span.attributes[ATTR_DB_OPERATION_NAME];
  if (named !== undefined) return String(named).toUpperCase();
  const text = span.attributes[ATTR_DB_QUERY_TEXT];
  return typeof text === 'string' ? text.trim().split(/\s+/, 1)[0].toUpperCase() : undefined;
}
