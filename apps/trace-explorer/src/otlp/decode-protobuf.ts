import type { Attributes, AttributeValue, StatusCode, StoredLog, StoredResource, StoredScope, StoredSpan } from '../explorer-api.js';
import { DecodeError, MAX_LIST_ENTRIES, MAX_VALUE_DEPTH, ProtobufReader, tooManyEntries } from './protobuf-reader.js';

/*
 * OTLP's ExportTraceServiceRequest and ExportLogsServiceRequest in protobuf, by opentelemetry-proto's
 * field numbers. Unknown fields are skipped, as protobuf requires of a reader.
 */

function expectDelimited(wireType: number, what: string): void {
  if (wireType !== 2) throw new DecodeError(`${what}: wrong wire type ${wireType}`);
}

function anyValue(reader: ProtobufReader, depth: number): AttributeValue {
  if (depth > MAX_VALUE_DEPTH) throw new DecodeError(`attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
  let value: AttributeValue = null;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) value = reader.string();
    else if (field === 2 && wireType === 0) value = reader.varint() !== 0;
    else if (field === 3 && wireType === 0) value = int64(reader.varint());
    else if (field === 4 && wireType === 1) value = reader.double();
    else if (field === 5 && wireType === 2) {
      const array = reader.message();
      const values: AttributeValue[] = [];
      while (!array.done) {
        const entry = array.tag();
        if (entry.field === 1 && entry.wireType === 2) {
          if (values.length === MAX_LIST_ENTRIES) throw tooManyEntries('an array value');
          values.push(anyValue(array.message(), depth + 1));
        } else array.skip(entry.wireType);
      }
      value = values;
    } else if (field === 6 && wireType === 2) value = keyValueList(reader.message(), depth + 1);
    else if (field === 7 && wireType === 2) value = reader.base64();
    else reader.skip(wireType);
  }
  return value;
}

/** A negative int64 arrives as its 64-bit two's complement. */
function int64(unsigned: number): number {
  return unsigned >= 2 ** 63 ? unsigned - 2 ** 64 : unsigned;
}

/** How many entries each attribute list being decoded has, to stop one at MAX_LIST_ENTRIES. */
const entryCounts = new WeakMap<Attributes, number>();

function keyValue(reader: ProtobufReader, target: Attributes, depth: number): void {
  const entries = (entryCounts.get(target) ?? 0) + 1;
  if (entries > MAX_LIST_ENTRIES) throw tooManyEntries('an attribute list');
  entryCounts.set(target, entries);
  let key = '';
  let value: AttributeValue = null;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) key = reader.string();
    else if (field === 2 && wireType === 2) value = anyValue(reader.message(), depth);
    else reader.skip(wireType);
  }
  target[key] = value;
}

function keyValueList(reader: ProtobufReader, depth: number): Attributes {
  const result: Attributes = {};
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) keyValue(reader.message(), result, depth);
    else reader.skip(wireType);
  }
  return result;
}

function resource(reader: ProtobufReader): StoredResource {
  const attributes: Attributes = {};
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) keyValue(reader.message(), attributes, 0);
    else reader.skip(wireType);
  }
  return { serviceName: typeof attributes['service.name'] === 'string' ? attributes['service.name'] : 'unknown_service', attributes };
}

function scope(reader: ProtobufReader): StoredScope {
  const result: StoredScope = { name: '', version: '' };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) result.name = reader.string();
    else if (field === 2 && wireType === 2) result.version = reader.string();
    else reader.skip(wireType);
  }
  return result;
}

function span(reader: ProtobufReader, owner: StoredResource, library: StoredScope): StoredSpan {
  const stored: StoredSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startUs: 0,
    durationUs: 0,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: '' },
    traceState: '',
    resource: owner,
    scope: library,
  };
  let endUs = 0;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) stored.traceId = reader.hex();
    else if (field === 2 && wireType === 2) stored.spanId = reader.hex();
    else if (field === 3 && wireType === 2) stored.traceState = reader.string();
    else if (field === 4 && wireType === 2) stored.parentSpanId = reader.hex();
    else if (field === 5 && wireType === 2) stored.name = reader.string();
    else if (field === 6 && wireType === 0) stored.kind = reader.varint();
    else if (field === 7 && wireType === 1) stored.startUs = reader.fixed64Micros();
    else if (field === 8 && wireType === 1) endUs = reader.fixed64Micros();
    else if (field === 9 && wireType === 2) keyValue(reader.message(), stored.attributes, 0);
    else if (field === 11 && wireType === 2) stored.events.push(event(reader.message()));
    else if (field === 13 && wireType === 2) stored.links.push(link(reader.message()));
    else if (field === 15 && wireType === 2) stored.status = status(reader.message());
    else reader.skip(wireType);
  }
  stored.durationUs = Math.max(0, endUs - stored.startUs);
  return stored;
}

function event(reader: ProtobufReader): StoredSpan['events'][number] {
  const result = { timeUs: 0, name: '', attributes: {} as Attributes };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 1) result.timeUs = reader.fixed64Micros();
    else if (field === 2 && wireType === 2) result.name = reader.string();
    else if (field === 3 && wireType === 2) keyValue(reader.message(), result.attributes, 0);
    else reader.skip(wireType);
  }
  return result;
}

function link(reader: ProtobufReader): StoredSpan['links'][number] {
  const result = { traceId: '', spanId: '', attributes: {} as Attributes };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) result.traceId = reader.hex();
    else if (field === 2 && wireType === 2) result.spanId = reader.hex();
    else if (field === 4 && wireType === 2) keyValue(reader.message(), result.attributes, 0);
    else reader.skip(wireType);
  }
  return result;
}

function status(reader: ProtobufReader): StoredSpan['status'] {
  const result: StoredSpan['status'] = { code: 0, message: '' };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 2 && wireType === 2) result.message = reader.string();
    else if (field === 3 && wireType === 0) result.code = statusCode(reader.varint());
    else reader.skip(wireType);
  }
  return result;
}

export function statusCode(value: unknown): StatusCode {
  return value === 1 || value === 2 ? value : 0;
}

/**
 * The resource/scope/item nesting both requests share: `items` is the field number of the
 * repeated spans or log records in the scope message.
 */
function walk<T>(body: Buffer, items: number, decode: (reader: ProtobufReader, owner: StoredResource, library: StoredScope) => T): T[] {
  const result: T[] = [];
  const request = new ProtobufReader(body);
  while (!request.done) {
    const top = request.tag();
    if (top.field !== 1) {
      request.skip(top.wireType);
      continue;
    }
    expectDelimited(top.wireType, 'resource entry');
    const resourceEntry = request.message();
    let owner: StoredResource = { serviceName: 'unknown_service', attributes: {} };
    const scopes: ProtobufReader[] = [];
    while (!resourceEntry.done) {
      const { field, wireType } = resourceEntry.tag();
      if (field === 1 && wireType === 2) owner = resource(resourceEntry.message());
      else if (field === 2 && wireType === 2) scopes.push(resourceEntry.message());
      else resourceEntry.skip(wireType);
    }
    for (const scopeEntry of scopes) {
      let library: StoredScope = { name: '', version: '' };
      const entries: ProtobufReader[] = [];
      while (!scopeEntry.done) {
        const { field, wireType } = scopeEntry.tag();
        if (field === 1 && wireType === 2) library = scope(scopeEntry.message());
        else if (field === items && wireType === 2) entries.push(scopeEntry.message());
        else scopeEntry.skip(wireType);
      }
      for (const entry of entries) result.push(decode(entry, owner, library));
    }
  }
  return result;
}

export function decodeTracesProtobuf(body: Buffer): StoredSpan[] {
  return walk(body, 2, span);
}

function logRecord(reader: ProtobufReader, owner: StoredResource): StoredLog {
  const stored: StoredLog = { timeUs: 0, traceId: '', spanId: '', severityNumber: 0, severityText: '', body: '', attributes: {}, resource: owner };
  let observedUs = 0;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 1) stored.timeUs = reader.fixed64Micros();
    else if (field === 11 && wireType === 1) observedUs = reader.fixed64Micros();
    else if (field === 2 && wireType === 0) stored.severityNumber = reader.varint();
    else if (field === 3 && wireType === 2) stored.severityText = reader.string();
    else if (field === 5 && wireType === 2) stored.body = bodyText(anyValue(reader.message(), 0));
    else if (field === 6 && wireType === 2) keyValue(reader.message(), stored.attributes, 0);
    else if (field === 9 && wireType === 2) stored.traceId = reader.hex();
    else if (field === 10 && wireType === 2) stored.spanId = reader.hex();
    else reader.skip(wireType);
  }
  // The spec lets a record leave its event time unset; when it was observed is the next best.
  if (stored.timeUs === 0) stored.timeUs = observedUs;
  return stored;
}

export function bodyText(value: AttributeValue): string {
  return typeof value === 'string' ? value : value === null ? '' : JSON.stringify(value);
}

export function decodeLogsProtobuf(body: Buffer): StoredLog[] {
  return walk(body, 2, logRecord);
}
