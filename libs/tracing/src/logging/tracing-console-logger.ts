import { ConsoleLogger } from '@nestjs/common';
import { traceLogFields } from './trace-log-fields.js';

type JsonLogObject = ReturnType<ConsoleLogger['getJsonLogObject']>;

/**
 * Nest's own `ConsoleLogger` with the active span's ids on every line logged inside a span:
 * `trace_id` and `span_id` fields in `json: true` mode, ` trace_id=… span_id=…` at the end of a
 * text line. Lines logged outside a span are printed exactly as `ConsoleLogger` prints them.
 * Nest's `Logger` instances in the app write through it once it is the app's logger:
 *
 * ```ts
 * const app = await NestFactory.create(AppModule, { logger: new TracingConsoleLogger({ json: true }) });
 * ```
 */
export class TracingConsoleLogger extends ConsoleLogger {
  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]): JsonLogObject {
    const fields = traceLogFields();
    const logObject = super.getJsonLogObject(message, options);
    return fields.trace_id === undefined ? logObject : { ...logObject, trace_id: fields.trace_id, span_id: fields.span_id };
  }

  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    const line = super.formatMessage(...args);
    const fields = traceLogFields();
    if (fields.trace_id === undefined) return line;
    const ids = ` trace_id=${fields.trace_id} span_id=${fields.span_id}`;
    return line.endsWith('\n') ? `${line.slice(0, -1)}${ids}\n` : `${line}${ids}`;
  }
}
