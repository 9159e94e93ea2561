import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, HttpException, HttpStatus, Inject, Post, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import { EXPLORER_CONFIG, type ExplorerConfig } from '../explorer.config.js';
import { DecodeError, decodeLogs, decodeTraces, encodingOf, type OtlpEncoding } from '../otlp/decode.js';
import { TraceStore } from '../store/trace-store.js';
import { BodiesInFlight, readBody } from './read-body.js';

/** gRPC's INVALID_ARGUMENT, the code OTLP/HTTP puts in the Status of a 400. */
const INVALID_ARGUMENT = 3;

/** A google.rpc.Status with a code and a message: OTLP/HTTP's error body for a protobuf request. */
function statusMessage(code: number, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  const length: number[] = [];
  for (let remaining = text.length; ; remaining = Math.floor(remaining / 128)) {
    if (remaining < 128) {
      length.push(remaining);
      break;
    }
    length.push((remaining % 128) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x08, code, 0x12, ...length]), text]);
}

/**
 * OTLP/HTTP ingest (`/v1/traces`, `/v1/logs`) in protobuf and JSON. Answers as the protocol asks:
 * an empty response message on success; 400 with the reason for a body that does not decode, in
 * the request's own encoding; 413 past the body limit; 415 for other content types.
 */
@Controller('v1')
export class OtlpController {
  constructor(
    private readonly store: TraceStore,
    private readonly inFlight: BodiesInFlight,
    @Inject(EXPLORER_CONFIG) private readonly config: ExplorerConfig,
  ) {}

  @Post('traces')
  async traces(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    await this.ingest(request, response, (body, encoding) => this.store.addSpans(decodeTraces(body, encoding)));
  }

  @Post('logs')
  async logs(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    await this.ingest(request, response, (body, encoding) => this.store.addLogs(decodeLogs(body, encoding)));
  }

  private async ingest(request: IncomingMessage, response: ServerResponse, store: (body: Buffer, encoding: OtlpEncoding) => void): Promise<void> {
    const encoding = encodingOf(request.headers['content-type']);
    if (encoding === undefined) throw new UnsupportedMediaTypeException('content-type must be application/x-protobuf or application/json');
    const body = await readBody(request, this.config.maxBodyBytes, this.inFlight).catch((error: unknown) => {
      if (error instanceof HttpException && error.getStatus() === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('retry-after', '1');
      throw error;
    });
    try {
      store(body, encoding);
    } catch (error) {
      if (!(error instanceof DecodeError || error instanceof RangeError)) throw error;
      const reason = `cannot decode the OTLP ${encoding} body: ${error.message}`;
      if (encoding === 'json') throw new HttpException({ statusCode: 400, message: reason }, HttpStatus.BAD_REQUEST);
      response.writeHead(400, { 'content-type': 'application/x-protobuf' }).end(statusMessage(INVALID_ARGUMENT, reason));
      return;
    } finally {
      this.inFlight.give(body.length);
    }
    if (encoding === 'json') response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  }
}
