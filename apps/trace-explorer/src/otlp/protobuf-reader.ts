/** Raised for input that is not the message it claims to be; the ingest answers it with 400. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Nesting allowed in attribute values (arrays and maps inside each other). */
export const MAX_VALUE_DEPTH = 16;

/**
 * Entries allowed in one attribute list or array value, far above any SDK's limit (128 by
 * default). Decoding and storing a million took the explorer's event loop two seconds; a request
 * past this is refused as soon as the decoding reaches it.
 */
export const MAX_LIST_ENTRIES = 200_000;

export function tooManyEntries(what: string): DecodeError {
  return new DecodeError(`${what} has more than ${MAX_LIST_ENTRIES} entries`);
}

/**
 * Reads protobuf's wire format from a buffer, refusing anything that runs past its end: every
 * length is checked before it is used, so hostile input fails with a {@link DecodeError} instead of
 * reading out of bounds, allocating from a forged length or looping.
 */
export class ProtobufReader {
  position: number;

  constructor(
    readonly buffer: Buffer,
    start = 0,
    readonly end = buffer.length,
  ) {
    this.position = start;
  }

  get done(): boolean {
    return this.position >= this.end;
  }

  /** A varint up to 2^53, exactly; larger ones (negative int64s) lose low bits, which no field here cares about. */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let index = 0; index < 10; index++) {
      if (this.position >= this.end) throw new DecodeError('truncated varint');
      const byte = this.buffer[this.position++];
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
    throw new DecodeError('varint longer than 10 bytes');
  }

  /** A field's tag: its number, and its wire type in the low three bits. */
  tag(): { field: number; wireType: number } {
    const tag = this.varint();
    return { field: Math.floor(tag / 8), wireType: tag & 7 };
  }

  /** The bounds of a length-delimited field's payload, after which the reader continues. */
  delimited(): { start: number; end: number } {
    const length = this.varint();
    const start = this.position;
    if (length > this.end - start) throw new DecodeError('length runs past the end of its message');
    this.position = start + length;
    return { start, end: start + length };
  }

  string(): string {
    const { start, end } = this.delimited();
    return this.buffer.toString('utf8', start, end);
  }

  hex(): string {
    const { start, end } = this.delimited();
    return this.buffer.toString('hex', start, end);
  }

  base64(): string {
    const { start, end } = this.delimited();
    return this.buffer.toString('base64', start, end);
  }

  /** A fixed64 nanosecond timestamp, as whole microseconds (exact: 2^32 = 4 294 967 · 1000 + 296). */
  fixed64Micros(): number {
    this.need(8);
    const low = this.buffer.readUInt32LE(this.position);
    const high = this.buffer.readUInt32LE(this.position + 4);
    this.position += 8;
    return high * 4_294_967 + Math.floor((high * 296 + low) / 1000);
  }

  double(): number {
    this.need(8);
    const value = this.buffer.readDoubleLE(this.position);
    this.position += 8;
    return value;
  }

  /** Skips a field this decoder does not read. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.need(8);
        this.position += 8;
        return;
      case 2:
        this.delimited();
        return;
      case 5:
        this.need(4);
        this.position += 4;
        return;
      default:
        throw new DecodeError(`unsupported wire type ${wireType}`);
    }
  }

  /** A reader over a length-delimited field's payload; this reader moves past it. */
  message(): ProtobufReader {
    const { start, end } = this.delimited();
    return new ProtobufReader(this.buffer, start, end);
  }

  private need(bytes: number): void {
    if (this.end - this.position < bytes) throw new DecodeError('truncated fixed-width field');
  }
}
