import type { HrTime } from '@opentelemetry/api';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;
const TWO_TO_32 = 4_294_967_296;
const NANOS_PER_SECOND = 1_000_000_000;

/**
 * A protobuf writer for Node: strings and hex ids are copied into the buffer by Buffer's native
 * UTF-8 and hex writers instead of a JavaScript loop per character, as the SDK's serializer does
 * on the same event loop that serves requests. Messages reserve one length byte; the larger ones
 * (spans, scopes) move their content once the length is known.
 */
export class ProtobufWriter {
  private buffer: Buffer;
  private pos = 0;

  /** Unzeroed memory: every byte returned by {@link finish} was written. */
  constructor(initialSize: number) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.pos);
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** Opens a length-delimited field; pass the result to {@link endMessage}. */
  beginMessage(field: number): number {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.ensure(1);
    return this.pos++;
  }

  endMessage(start: number): void {
    const length = this.pos - start - 1;
    const size = varintSize(length);
    if (size > 1) {
      this.ensure(size - 1);
      this.buffer.copyWithin(start + size, start + 1, this.pos);
      this.pos += size - 1;
    }
    let at = start;
    let value = length;
    while (value > 127) {
      this.buffer[at++] = (value & 127) | 128;
      value >>>= 7;
    }
    this.buffer[at] = value;
  }

  stringField(field: number, value: string): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    // A UTF-16 code unit takes at most 3 UTF-8 bytes, so short strings fit a one-byte length.
    if (value.length <= 42) {
      this.ensure(1 + value.length * 3);
      const written = this.buffer.write(value, this.pos + 1, 'utf8');
      this.buffer[this.pos] = written;
      this.pos += 1 + written;
      return;
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length);
    this.ensure(length);
    this.pos += this.buffer.write(value, this.pos, length, 'utf8');
  }

  /** A trace or span id given in hex, written as bytes. */
  hexField(field: number, hex: string): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    const length = hex.length >>> 1;
    this.varint(length);
    this.ensure(length);
    this.pos += this.buffer.write(hex, this.pos, length, 'hex');
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  varintField(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  doubleField(field: number, value: number): void {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.pos = this.buffer.writeDoubleLE(value, this.pos);
  }

  fixed32Field(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    this.pos = this.buffer.writeUInt32LE(value >>> 0, this.pos);
  }

  /** Seconds and nanoseconds as one unsigned 64-bit count of nanoseconds, without BigInt. */
  timeField(field: number, [seconds, nanos]: HrTime): void {
    this.tag(field, WIRE_FIXED64);
    const lowSeconds = seconds % 65_536;
    const highSeconds = Math.floor(seconds / 65_536);
    // seconds * 1e9 = highSeconds * 65536e9 + lowSeconds * 1e9, each part exact in a double.
    const low = lowSeconds * NANOS_PER_SECOND + ((highSeconds * NANOS_PER_SECOND) % 65_536) * 65_536 + nanos;
    const high = Math.floor((highSeconds * NANOS_PER_SECOND) / 65_536) + Math.floor(low / TWO_TO_32);
    this.ensure(8);
    this.buffer.writeUInt32LE(low % TWO_TO_32, this.pos);
    this.buffer.writeUInt32LE(high >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** Unsigned, or a negative int64 as ten bytes of two's complement, as protobuf encodes them. */
  varint(value: number): void {
    this.ensure(10);
    if (value >= 0 && value <= 0xffffffff) {
      let rest = value >>> 0;
      while (rest > 127) {
        this.buffer[this.pos++] = (rest & 127) | 128;
        rest >>>= 7;
      }
      this.buffer[this.pos++] = rest;
      return;
    }
    let bits = BigInt.asUintN(64, BigInt(value));
    while (bits > 127n) {
      this.buffer[this.pos++] = Number(bits & 127n) | 128;
      bits >>= 7n;
    }
    this.buffer[this.pos++] = Number(bits);
  }

  private ensure(size: number): void {
    if (this.pos + size <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + size));
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }
}

function varintSize(value: number): number {
  if (value < 128) return 1;
  if (value < 16_384) return 2;
  if (value < 2_097_152) return 3;
  if (value < 268_435_456) return 4;
  return 5;
}
