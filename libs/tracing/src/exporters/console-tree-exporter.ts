import { type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { ATTR_SERVER_SERVICE_NAME } from '@opentelemetry/semantic-conventions/incubating';

export interface ConsoleTreeOptions {
  /** Where the text goes. @default process.stdout */
  write?: (text: string) => void;
  /** ANSI colours. @default true on a terminal, unless NO_COLOR is set; FORCE_COLOR forces them */
  colour?: boolean;
  /** How long the spans of a trace whose local root has not ended are held before they are printed anyway. @default 30000 */
  lostRootAfterMs?: number;
  now?: () => number;
}

interface PendingTrace {
  spans: ReadableSpan[];
  since: number;
}

const KINDS: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

const QUERY_CHARS = 60;
const NAME_WIDTH_LIMIT = 48;

function isLocalRoot(span: ReadableSpan): boolean {
  return !span.parentSpanContext || span.parentSpanContext.isRemote === true;
}

function milliseconds(duration: HrTime): string {
  const ms = hrTimeToMilliseconds(duration);
  return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

function compareStart(a: ReadableSpan, b: ReadableSpan): number {
  return a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];
}

function defaultColour(): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
}

/**
 * Spans as a developer reads them: one block per trace when its local root ends, an indented tree
 * with parents before children, each line with the name, the kind in words, the duration in ms,
 * the status and the few attributes that identify the work. The resource is written once, with
 * the first trace. Spans whose local root never arrives are written after `lostRootAfterMs`.
 */
export class ConsoleTreeExporter implements SpanExporter {
  private readonly pending = new Map<string, PendingTrace>();
  private readonly write: (text: string) => void;
  private readonly colour: boolean;
  private readonly lostRootAfterMs: number;
  private readonly now: () => number;
  private resourceWritten = false;
  private timer?: NodeJS.Timeout;

  constructor(options: ConsoleTreeOptions = {}) {
    this.write = options.write ?? ((text) => void process.stdout.write(text));
    this.colour = options.colour ?? defaultColour();
    this.lostRootAfterMs = options.lostRootAfterMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Spans in batches: each trace whose local root is among them is written. */
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) this.hold(span);
    const ended = new Set(spans.filter(isLocalRoot).map((span) => span.spanContext().traceId));
    for (const traceId of ended) this.writeTrace(traceId);
    this.writeLostTraces(false);
    this.scheduleLostCheck();
    done({ code: ExportResultCode.SUCCESS });
  }

  /**
   * One span as it ends (`ConsoleTreeProcessor`). Its trace is written once no span of it is still
   * running in this process: a request to the app itself then prints as one block, its inner SERVER
   * span under the CLIENT span that called it, instead of a block of its own.
   */
  ended(span: ReadableSpan, traceStillOpen: boolean): void {
    this.hold(span);
    if (!traceStillOpen) this.writeTrace(span.spanContext().traceId);
    this.scheduleLostCheck();
  }

  private hold(span: ReadableSpan): void {
    const trace = this.pending.get(span.spanContext().traceId);
    if (trace) trace.spans.push(span);
    else this.pending.set(span.spanContext().traceId, { spans: [span], since: this.now() });
  }

  /**
   * The trace's trees, each from a span whose parent is not one of the trace's spans held here: a
   * local root, or with `lost` any such span, for a trace whose local root never arrived.
   */
  private writeTrace(traceId: string, lost = false): void {
    const trace = this.pending.get(traceId);
    if (!trace) return;
    const here = new Set(trace.spans.map((span) => span.spanContext().spanId));
    const tops = trace.spans.filter((span) => (lost || isLocalRoot(span)) && !here.has(span.parentSpanContext?.spanId ?? '')).sort(compareStart);
    for (const top of tops) this.writeTree(top);
  }

  /** Writes whatever is still held: the process is ending, and a partial tree beats none. */
  async shutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writeLostTraces(true);
  }

  async forceFlush(): Promise<void> {}

  private writeTree(root: ReadableSpan): void {
    const trace = this.pending.get(root.spanContext().traceId);
    if (!trace) return;
    const children = new Map<string, ReadableSpan[]>();
    for (const span of trace.spans) {
      const parent = span.parentSpanContext?.spanId;
      if (parent === undefined || span === root) continue;
      const siblings = children.get(parent);
      if (siblings) siblings.push(span);
      else children.set(parent, [span]);
    }
    const lines: [ReadableSpan, number][] = [];
    const visit = (span: ReadableSpan, depth: number) => {
      lines.push([span, depth]);
      for (const child of (children.get(span.spanContext().spanId) ?? []).sort(compareStart)) visit(child, depth + 1);
    };
    visit(root, 0);
    const written = new Set(lines.map(([span]) => span));
    const rest = trace.spans.filter((span) => !written.has(span));
    if (rest.length > 0) trace.spans = rest;
    else this.pending.delete(root.spanContext().traceId);
    this.writeBlock(root, lines);
  }

  /** Traces held past the bound (or all of them), each written from the spans whose parent is not here. */
  private writeLostTraces(all: boolean): void {
    const now = this.now();
    const due = [...this.pending].filter(([, trace]) => all || now - trace.since >= this.lostRootAfterMs);
    for (const [traceId] of due) {
      this.writeTrace(traceId, true);
      this.pending.delete(traceId);
    }
  }

  private scheduleLostCheck(): void {
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeLostTraces(false);
      this.scheduleLostCheck();
    }, this.lostRootAfterMs);
    this.timer.unref();
  }

  private writeBlock(root: ReadableSpan, lines: [ReadableSpan, number][]): void {
    const count = lines.length;
    let text = '';
    if (!this.resourceWritten) {
      this.resourceWritten = true;
      const attributes = Object.entries(root.resource.attributes).map(([key, value]) => `${key}=${String(value)}`);
      text += this.paint('2', `resource ${attributes.join(' ')}`) + '\n';
    }
    const failed = lines.some(([span]) => span.status.code === SpanStatusCode.ERROR);
    const service = String(root.resource.attributes[ATTR_SERVICE_NAME] ?? '');
    const lost = isLocalRoot(root) ? '' : ' (its parent span is not among these)';
    text +=
      `${this.paint('1', `trace ${root.spanContext().traceId}`)}  ${service}  ${count} span${count === 1 ? '' : 's'}` +
      `${failed ? `  ${this.paint('31', 'ERROR')}` : ''}${lost}\n`;
    const width = Math.min(NAME_WIDTH_LIMIT, Math.max(...lines.map(([span, depth]) => depth * 2 + span.name.length)));
    for (const [span, depth] of lines) text += this.line(span, depth, width);
    this.write(text);
  }

  private line(span: ReadableSpan, depth: number, width: number): string {
    const indent = '  '.repeat(depth);
    const name = `${indent}${span.name}`.padEnd(width);
    const error = span.status.code === SpanStatusCode.ERROR;
    const details = describe(span);
    const columns = [
      error ? this.paint('31', name) : depth === 0 ? this.paint('1', name) : name,
      this.paint('2', KINDS[span.kind].padEnd(8)),
      this.paint('33', milliseconds(span.duration).padStart(9)),
      error ? this.paint('31', 'ERROR') : span.status.code === SpanStatusCode.OK ? 'OK   ' : '     ',
      details,
    ];
    let text = `  ${columns.join('  ').trimEnd()}\n`;
    for (const event of span.events) {
      if (event.name !== 'exception') continue;
      const type = event.attributes?.['exception.type'];
      const message = event.attributes?.['exception.message'];
      text += `  ${indent}  ${this.paint('31', `exception ${type ? `${String(type)}: ` : ''}${String(message ?? '')}`)}\n`;
    }
    return text;
  }

  private paint(code: string, text: string): string {
    return this.colour ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}

/** The attributes that say what the span did: route and status, the query, the peer. */
function describe(span: ReadableSpan): string {
  const attributes = span.attributes;
  const parts: string[] = [];
  const status = attributes[ATTR_HTTP_RESPONSE_STATUS_CODE];
  if (status !== undefined) parts.push(String(status));
  const route = attributes[ATTR_HTTP_ROUTE];
  if (route !== undefined && span.kind !== SpanKind.SERVER) parts.push(`route=${String(route)}`);
  if (span.kind === SpanKind.CLIENT) {
    const url = attributes[ATTR_URL_FULL];
    if (url !== undefined) parts.push(`${String(attributes[ATTR_HTTP_REQUEST_METHOD] ?? '')} ${String(url)}`.trim());
  }
  const query = attributes[ATTR_DB_QUERY_TEXT];
  if (typeof query === 'string') {
    const flat = query.replace(/\s+/g, ' ').trim();
    parts.push(flat.length > QUERY_CHARS ? `${flat.slice(0, QUERY_CHARS)}…` : flat);
  } else if (attributes[ATTR_DB_OPERATION_NAME] !== undefined) {
    parts.push(`${String(attributes[ATTR_DB_OPERATION_NAME])} ${String(attributes[ATTR_DB_COLLECTION_NAME] ?? '')}`.trim());
  }
  const peer = attributes[ATTR_SERVER_SERVICE_NAME];
  if (peer !== undefined) parts.push(`peer=${String(peer)}`);
  const errorType = attributes[ATTR_ERROR_TYPE];
  if (errorType !== undefined) parts.push(`error.type=${String(errorType)}`);
  return parts.join('  ');
}
