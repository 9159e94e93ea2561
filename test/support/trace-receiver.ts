import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type DecodedSpan, decodeTraceRequest } from './otlp-protobuf.js';

export type ReceiverMode = 'accept' | 'fail' | 'hang';

type JsonValue = { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number };
type JsonKeyValue = { key: string; value: JsonValue };

/**
 * A trace backend inside the test: accepts OTLP/HTTP (protobuf or JSON) on `/v1/traces` and Zipkin
 * v2 JSON on `/api/v2/spans`, decodes what arrives, and can refuse (5xx) or hang on demand.
 */
export class TraceReceiver {
  readonly spans: DecodedSpan[] = [];
  readonly zipkinSpans: Record<string, unknown>[] = [];
  readonly contentTypes: string[] = [];
  readonly headers: IncomingHttpHeaders[] = [];
  /** The path of every request, in order. */
  readonly paths: string[] = [];
  /** Spans per accepted OTLP request, to check batching. */
  readonly batchSizes: number[] = [];
  mode: ReceiverMode = 'accept';
  requests = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TraceReceiver> {
    const server = createServer();
    const receiver = new TraceReceiver(server);
    server.on('request', (request, response) => void receiver.handle(request, response));
    server.on('connection', (socket) => {
      receiver.sockets.add(socket);
      socket.on('close', () => receiver.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = ''): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The environment of an app process that exports OTLP here, flushing every 100 ms. */
  exportEnv(): Record<string, string> {
    return {
      ENABLE_TRACING: 'true',
      TRACING_EXPORTER: 'otlp',
      OTLP_ENDPOINT: this.url(),
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
  }

  async waitFor<T>(read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms (${this.spans.length} spans so far)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  waitForSpan(predicate: (span: DecodedSpan) => boolean, timeoutMs?: number): Promise<DecodedSpan> {
    return this.waitFor(() => this.spans.find(predicate), timeoutMs);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(spans: DecodedSpan[]): void {
    this.batchSizes.push(spans.length);
    this.spans.push(...spans);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests++;
    this.headers.push(request.headers);
    this.paths.push(request.url ?? '');
    const body = await readBody(request);
    if (this.mode === 'hang') return;
    if (this.mode === 'fail') {
      response.writeHead(503).end('unavailable');
      return;
    }
    const contentType = request.headers['content-type'] ?? '';
    this.contentTypes.push(contentType);
    if (request.url === '/api/v2/spans') this.zipkinSpans.push(...(JSON.parse(body.toString('utf8')) as Record<string, unknown>[]));
    else this.accept(contentType.includes('json') ? decodeJson(JSON.parse(body.toString('utf8'))) : decodeTraceRequest(body));
    response.writeHead(request.url === '/api/v2/spans' ? 202 : 200, { 'content-type': 'application/json' }).end('{}');
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

function jsonValue(value: JsonValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.doubleValue;
}

function jsonAttributes(attributes: JsonKeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, jsonValue(value)]));
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: JsonKeyValue[];
  events?: { name: string; attributes?: JsonKeyValue[] }[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number; message?: string };
}

function decodeJson(request: {
  resourceSpans: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans: { scope?: { name?: string }; spans: JsonSpan[] }[] }[];
}): DecodedSpan[] {
  return request.resourceSpans.flatMap((resourceSpans) =>
    resourceSpans.scopeSpans.flatMap((scopeSpans) =>
      scopeSpans.spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind,
        startTimeUnixNano: BigInt(span.startTimeUnixNano),
        endTimeUnixNano: BigInt(span.endTimeUnixNano),
        attributes: jsonAttributes(span.attributes),
        events: (span.events ?? []).map((event) => ({ name: event.name, attributes: jsonAttributes(event.attributes) })),
        links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
        status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
        resource: jsonAttributes(resourceSpans.resource?.attributes),
        scope: scopeSpans.scope?.name ?? '',
      })),
    ),
  );
}
