import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import { HttpException, HttpStatus, UnsupportedMediaTypeException } from '@nestjs/common';

/**
 * A request body up to `maxBytes`, gunzipped or inflated per `content-encoding` (the limit counts
 * the decompressed bytes, so a small bomb is refused like a large body). Past the limit the
 * request is answered 413 at once, without reading the rest.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
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
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof HttpException) throw error;
    throw new HttpException(`cannot read the body: ${(error as Error).message}`, HttpStatus.BAD_REQUEST);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): HttpException {
  return new HttpException(`body larger than ${maxBytes} bytes (TRACE_EXPLORER_MAX_BODY_MB)`, HttpStatus.PAYLOAD_TOO_LARGE);
}
