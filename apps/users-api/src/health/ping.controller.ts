import { Controller, Get } from '@nestjs/common';

/** A traced route that does nothing: what it costs is the fixed per-request cost (see bench/). */
@Controller('ping')
export class PingController {
  @Get()
  ping() {
    return { pong: true };
  }
}
