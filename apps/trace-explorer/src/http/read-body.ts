import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import { HttpException, HttpStatus, ServiceUnavailableException, UnsupportedMediaTypeException } from '@nestjs/common';

/**
 * The bytes of all the bodies being read at once, within a limit: slow uploads cannot pile up
 * memory that the store's budget never sees. Past the limit a request gets 503 with `Retry-After`,
 * which OTLP exporters retry.
 */
export class BodiesInFlight {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  get bytes(): number {
    return this.used;
  }

  /** Counts `bytes` more, or refuses them when that would pass the limit. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

/**
 * A request body up to `maxBytes`, gunzipped or inflated per `content-encoding` (the limit counts
 * the decompressed bytes, so a small bomb is refused like a large body). Past the limit the
 * request is answered 413 at once, without reading the rest; past `inFlight`'s, 503. The body's
 * bytes stay counted in `inFlight` until the caller gives them back, once it is done with the body.
 */
export async function readBody(request: IncomingMessage, maxBytes: number, inFlight: BodiesInFlight): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  const declared = Number(request.headers['content-length']);
  if (encoding === 'identity' && declared > maxBytes) throw tooLarge(maxBytes);
  let source: NodeJS.ReadableStream = request;
  if (encoding === 'gzip') source = request.pipe(createGunzip());
  else if (encoding === 'deflate') source = request.pipe(createInflate());
  else if (encoding !== 'identity') throw new UnsupportedMediaTypeException(`content-encoding ${encoding} is not supported: send gzip, deflate or none`);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      const length = (chunk as Buffer).length;
      if (total + length > maxBytes) throw tooLarge(maxBytes);
      if (!inFlight.take(length)) throw busy(inFlight.limitBytes);
      total += length;
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    inFlight.give(total);
    if (error instanceof HttpException) throw error;
    throw new HttpException(`cannot read the body: ${(error as Error).message}`, HttpStatus.BAD_REQUEST);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): HttpException {
  return new HttpException(`body larger than ${maxBytes} bytes (TRACE_EXPLORER_MAX_BODY_MB)`, HttpStatus.PAYLOAD_TOO_LARGE);
}

function busy(limitBytes: number): HttpException {
  return new ServiceUnavailableException(`more than ${limitBytes} bytes of request bodies are being received: retry later`);
}
