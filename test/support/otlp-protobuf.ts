/**
 * A decoder for the parts of OTLP's `ExportTraceServiceRequest` the tests assert on, written from
 * opentelemetry-proto's field numbers so the receiver checks the wire format, not our own encoder.
 */

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  /** The spans this one links to (a scheduled job's run, to the context that scheduled it). */
  links: { traceId: string; spanId: string }[];
  status: { code: number; message: string };
  resource: Record<string, unknown>;
  scope: string;
}

type Field = { number: number; wireType: number; value: bigint | Uint8Array };

function* fields(buffer: Uint8Array): Generator<Field> {
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const tag = Number(varint());
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === 0) yield { number, wireType, value: varint() };
    else if (wireType === 1) {
      yield { number, wireType, value: Buffer.from(buffer.subarray(offset, offset + 8)).readBigUInt64LE() };
      offset += 8;
    } else if (wireType === 2) {
      const length = Number(varint());
      yield { number, wireType, value: buffer.subarray(offset, offset + length) };
      offset += length;
    } else if (wireType === 5) {
      yield { number, wireType, value: BigInt(Buffer.from(buffer.subarray(offset, offset + 4)).readUInt32LE()) };
      offset += 4;
    } else throw new Error(`unsupported wire type ${wireType}`);
  }
}

const text = (value: Field['value']) => Buffer.from(value as Uint8Array).toString('utf8');
const hex = (value: Field['value']) => Buffer.from(value as Uint8Array).toString('hex');

function anyValue(buffer: Uint8Array): unknown {
  for (const field of fields(buffer)) {
    switch (field.number) {
      case 1:
        return text(field.value);
      case 2:
        return field.value === 1n;
      case 3:
        return Number(BigInt.asIntN(64, field.value as bigint));
      case 4:
        return Buffer.from(new BigUint64Array([field.value as bigint]).buffer).readDoubleLE();
      case 5:
        return [...fields(field.value as Uint8Array)].map((entry) => anyValue(entry.value as Uint8Array));
      case 7:
        return hex(field.value);
    }
  }
  return undefined;
}

function keyValues(entries: Uint8Array[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const entry of entries) {
    let key = '';
    let value: unknown;
    for (const field of fields(entry)) {
      if (field.number === 1) key = text(field.value);
      if (field.number === 2) value = anyValue(field.value as Uint8Array);
    }
    result[key] = value;
  }
  return result;
}

function repeated(buffer: Uint8Array, number: number): Uint8Array[] {
  return [...fields(buffer)].filter((field) => field.number === number).map((field) => field.value as Uint8Array);
}

function decodeSpan(buffer: Uint8Array, resource: Record<string, unknown>, scope: string): DecodedSpan {
  const span: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: keyValues(repeated(buffer, 9)),
    events: [],
    links: [],
    status: { code: 0, message: '' },
    resource,
    scope,
  };
  for (const field of fields(buffer)) {
    switch (field.number) {
      case 1:
        span.traceId = hex(field.value);
        break;
      case 2:
        span.spanId = hex(field.value);
        break;
      case 4:
        span.parentSpanId = hex(field.value);
        break;
      case 5:
        span.name = text(field.value);
        break;
      case 6:
        span.kind = Number(field.value);
        break;
      case 7:
        span.startTimeUnixNano = field.value as bigint;
        break;
      case 8:
        span.endTimeUnixNano = field.value as bigint;
        break;
      case 11: {
        const event = field.value as Uint8Array;
        const name = [...fields(event)].find((entry) => entry.number === 2);
        span.events.push({ name: name ? text(name.value) : '', attributes: keyValues(repeated(event, 3)) });
        break;
      }
      case 13: {
        const link = { traceId: '', spanId: '' };
        for (const entry of fields(field.value as Uint8Array)) {
          if (entry.number === 1) link.traceId = hex(entry.value);
          if (entry.number === 2) link.spanId = hex(entry.value);
        }
        span.links.push(link);
        break;
      }
      case 15:
        for (const status of fields(field.value as Uint8Array)) {
          if (status.number === 2) span.status.message = text(status.value);
          if (status.number === 3) span.status.code = Number(status.value);
        }
        break;
    }
  }
  return span;
}

export function decodeTraceRequest(body: Uint8Array): DecodedSpan[] {
  return repeated(body, 1).flatMap((resourceSpans) => {
    const resourceBuffer = repeated(resourceSpans, 1)[0];
    const resource = resourceBuffer ? keyValues(repeated(resourceBuffer, 1)) : {};
    return repeated(resourceSpans, 2).flatMap((scopeSpans) => {
      const scopeBuffer = repeated(scopeSpans, 1)[0];
      const scopeName = scopeBuffer ? repeated(scopeBuffer, 1)[0] : undefined;
      const scope = scopeName ? text(scopeName) : '';
      return repeated(scopeSpans, 2).map((span) => decodeSpan(span, resource, scope));
    });
  });
}
