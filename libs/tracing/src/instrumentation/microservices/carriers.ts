import { type Context, propagation, ROOT_CONTEXT, type TextMapGetter } from '@opentelemetry/api';
import { sentContext } from '../message-span.js';

/** Trace context fields as the propagators write them: `traceparent`, `tracestate`, `baggage`. */
export type ContextFields = Record<string, string>;

/** NATS's `MsgHdrs`, as far as the carrier needs it. */
export interface NatsHeaders {
  keys(): string[];
  get(key: string): string;
  set(key: string, value: string): void;
}

/** The context a message sent in `active` carries along, or undefined when there is none to send. */
export function contextFields(active: Context): ContextFields | undefined {
  const fields: ContextFields = {};
  propagation.inject(sentContext(active), fields);
  for (const _ in fields) return fields;
  return undefined;
}

/**
 * Header values as the transports hand them over: strings, Buffers (Kafka and RabbitMQ headers),
 * or lists (an MQTT 5 user property that came more than once).
 */
function asText(value: unknown): string | string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item)));
  return String(value);
}

const recordGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => asText(carrier[key]),
};

const natsGetter: TextMapGetter<NatsHeaders> = {
  keys: (carrier) => carrier.keys(),
  get: (carrier, key) => carrier.get(key) || undefined,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function isNatsHeaders(value: unknown): value is NatsHeaders {
  return typeof (value as NatsHeaders | null)?.keys === 'function' && typeof (value as NatsHeaders).get === 'function';
}

/**
 * The sender's context carried in `fields` (headers, user properties or a packet's metadata), on
 * the root context: a message starts from what its sender sent, never from whatever context the
 * connection it arrived on was opened in. The root context when `fields` carries nothing.
 */
export function contextFrom(fields: unknown): Context {
  if (isNatsHeaders(fields)) return propagation.extract(ROOT_CONTEXT, fields, natsGetter);
  if (isRecord(fields)) return propagation.extract(ROOT_CONTEXT, fields, recordGetter);
  return ROOT_CONTEXT;
}

/**
 * The `metadata` of an MQTT 3.1.1 packet, whose protocol has no headers: read back from the JSON
 * payload only when an instrumented sender put a trace context there.
 */
export function metadataOfJsonPayload(payload: unknown): unknown {
  if (!Buffer.isBuffer(payload) && typeof payload !== 'string') return undefined;
  if (!payload.includes('"traceparent"')) return undefined;
  try {
    return (JSON.parse(payload.toString()) as { metadata?: unknown } | null)?.metadata;
  } catch {
    return undefined;
  }
}

/** `fields` added to a packet's `metadata`, unless the app put something there that is not an object. */
export function withContextFields(metadata: unknown, fields: ContextFields): unknown {
  if (metadata === undefined || metadata === null) return { ...fields };
  return isRecord(metadata) ? { ...metadata, ...fields } : metadata;
}
