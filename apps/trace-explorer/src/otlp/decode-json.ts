import type { Attributes, AttributeValue, StoredLog, StoredResource, StoredScope, StoredSpan } from '../explorer-api.js';
import { bodyText, statusCode } from './decode-protobuf.js';
import { jsonDepthExceeds } from './json-depth.js';
import { DecodeError, MAX_LIST_ENTRIES, MAX_VALUE_DEPTH, tooManyEntries } from './protobuf-reader.js';

/*
 * OTLP/JSON (the protobuf messages in proto3's JSON mapping, ids as hex): a body that parses as
 * JSON but has the wrong shape is refused with the path of the first wrong field.
 */

type Json = Record<string, unknown>;

function object(value: unknown, path: string): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new DecodeError(`${path} must be an object`);
  return value as Json;
}

function list(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DecodeError(`${path} must be an array`);
  return value;
}

function text(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new DecodeError(`${path} must be a string`);
  return value;
}

function integer(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw new DecodeError(`${path} must be an integer`);
  return Math.trunc(number);
}

/** A nanosecond timestamp (a decimal string, or a number) as whole microseconds. */
function micros(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const digits = typeof value === 'number' ? BigInt(Math.trunc(value)).toString() : value;
  if (typeof digits !== 'string' || !/^\d{1,20}$/.test(digits)) throw new DecodeError(`${path} must be a nanosecond timestamp`);
  return digits.length <= 3 ? 0 : Number(digits.slice(0, -3));
}

/**
 * An id as hex, as the protobuf decoder reads its bytes: the rules on lengths are checked for both
 * encodings alike, after decoding (`decode.ts`).
 */
function id(value: unknown, path: string): string {
  const hex = text(value, path).toLowerCase();
  if (!/^[0-9a-f]*$/.test(hex)) throw new DecodeError(`${path} must be hex digits`);
  return hex;
}

/** A log record's id: one that is not hex is kept as none, as one of the wrong length is. */
function logId(value: unknown): string {
  const hex = typeof value === 'string' ? value.toLowerCase() : '';
  return /^[0-9a-f]*$/.test(hex) ? hex : '';
}

function anyValue(value: unknown, path: string, depth: number): AttributeValue {
  if (depth > MAX_VALUE_DEPTH) throw new DecodeError(`attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
  const wrapper = object(value, path);
  if ('stringValue' in wrapper) return text(wrapper.stringValue, `${path}.stringValue`);
  if ('boolValue' in wrapper) return wrapper.boolValue === true;
  if ('intValue' in wrapper) return integer(wrapper.intValue, `${path}.intValue`);
  if ('doubleValue' in wrapper) {
    const double = Number(wrapper.doubleValue);
    return Number.isNaN(double) ? String(wrapper.doubleValue) : double;
  }
  if ('bytesValue' in wrapper) return text(wrapper.bytesValue, `${path}.bytesValue`);
  if ('arrayValue' in wrapper) {
    const values = list(object(wrapper.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    if (values.length > MAX_LIST_ENTRIES) throw tooManyEntries(`${path}.arrayValue.values`);
    return values.map((entry, index) => anyValue(entry, `${path}.arrayValue.values[${index}]`, depth + 1));
  }
  if ('kvlistValue' in wrapper) return attributes(object(wrapper.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`, depth + 1);
  return null;
}

function attributes(value: unknown, path: string, depth = 0): Attributes {
  const result: Attributes = {};
  const entries = list(value, path);
  if (entries.length > MAX_LIST_ENTRIES) throw tooManyEntries(path);
  entries.forEach((entry, index) => {
    const pair = object(entry, `${path}[${index}]`);
    result[text(pair.key, `${path}[${index}].key`)] = anyValue(pair.value, `${path}[${index}].value`, depth);
  });
  return result;
}

function resource(value: unknown, path: string): StoredResource {
  const attributeMap = attributes(object(value, path).attributes, `${path}.attributes`);
  const serviceName = attributeMap['service.name'];
  return { serviceName: typeof serviceName === 'string' ? serviceName : 'unknown_service', attributes: attributeMap };
}

function scope(value: unknown, path: string): StoredScope {
  const json = object(value, path);
  return { name: text(json.name, `${path}.name`), version: text(json.version, `${path}.version`) };
}

function span(value: unknown, path: string, owner: StoredResource, library: StoredScope): StoredSpan {
  const json = object(value, path);
  const startUs = micros(json.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const endUs = micros(json.endTimeUnixNano, `${path}.endTimeUnixNano`);
  const status = object(json.status, `${path}.status`);
  return {
    traceId: id(json.traceId, `${path}.traceId`),
    spanId: id(json.spanId, `${path}.spanId`),
    parentSpanId: id(json.parentSpanId, `${path}.parentSpanId`),
    name: text(json.name, `${path}.name`),
    kind: integer(json.kind, `${path}.kind`),
    startUs,
    durationUs: Math.max(0, endUs - startUs),
    attributes: attributes(json.attributes, `${path}.attributes`),
    events: list(json.events, `${path}.events`).map((entry, index) => {
      const event = object(entry, `${path}.events[${index}]`);
      return {
        timeUs: micros(event.timeUnixNano, `${path}.events[${index}].timeUnixNano`),
        name: text(event.name, `${path}.events[${index}].name`),
        attributes: attributes(event.attributes, `${path}.events[${index}].attributes`),
      };
    }),
    links: list(json.links, `${path}.links`).map((entry, index) => {
      const link = object(entry, `${path}.links[${index}]`);
      return {
        traceId: id(link.traceId, `${path}.links[${index}].traceId`),
        spanId: id(link.spanId, `${path}.links[${index}].spanId`),
        attributes: attributes(link.attributes, `${path}.links[${index}].attributes`),
      };
    }),
    status: { code: statusCode(integer(status.code, `${path}.status.code`)), message: text(status.message, `${path}.status.message`) },
    traceState: text(json.traceState, `${path}.traceState`),
    resource: owner,
    scope: library,
  };
}

function logRecord(value: unknown, path: string, owner: StoredResource): StoredLog {
  const json = object(value, path);
  const timeUs = micros(json.timeUnixNano, `${path}.timeUnixNano`);
  return {
    timeUs: timeUs || micros(json.observedTimeUnixNano, `${path}.observedTimeUnixNano`),
    traceId: logId(json.traceId),
    spanId: logId(json.spanId),
    severityNumber: integer(json.severityNumber, `${path}.severityNumber`),
    severityText: text(json.severityText, `${path}.severityText`),
    body: bodyText(json.body === undefined ? null : anyValue(json.body, `${path}.body`, 0)),
    attributes: attributes(json.attributes, `${path}.attributes`),
    resource: owner,
  };
}

/**
 * Far deeper than OTLP's own nesting (about ten levels) with attribute values nested to
 * MAX_VALUE_DEPTH inside (three levels each), which the decoding refuses by name; a body nested
 * deeper still is refused before it is parsed.
 */
const MAX_JSON_DEPTH = 256;

function parse(body: Buffer): Json {
  if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) throw new DecodeError(`body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new DecodeError(`body is not JSON: ${(error as Error).message}`);
  }
  return object(json, 'body');
}

/** The resource/scope/item nesting both requests share, under the given key names. */
function walk<T>(body: Buffer, keys: [string, string, string], decode: (value: unknown, path: string, owner: StoredResource, library: StoredScope) => T): T[] {
  const [resourceKey, scopeKey, itemKey] = keys;
  return list(parse(body)[resourceKey], resourceKey).flatMap((resourceEntry, resourceIndex) => {
    const resourcePath = `${resourceKey}[${resourceIndex}]`;
    const entry = object(resourceEntry, resourcePath);
    const owner = resource(entry.resource, `${resourcePath}.resource`);
    return list(entry[scopeKey], `${resourcePath}.${scopeKey}`).flatMap((scopeEntry, scopeIndex) => {
      const scopePath = `${resourcePath}.${scopeKey}[${scopeIndex}]`;
      const scoped = object(scopeEntry, scopePath);
      const library = scope(scoped.scope, `${scopePath}.scope`);
      return list(scoped[itemKey], `${scopePath}.${itemKey}`).map((item, index) => decode(item, `${scopePath}.${itemKey}[${index}]`, owner, library));
    });
  });
}

export function decodeTracesJson(body: Buffer): StoredSpan[] {
  return walk(body, ['resourceSpans', 'scopeSpans', 'spans'], span);
}

export function decodeLogsJson(body: Buffer): StoredLog[] {
  return walk(body, ['resourceLogs', 'scopeLogs', 'logRecords'], (value, path, owner) => logRecord(value, path, owner));
}
