import { Controller, Get } from '@nestjs/common';

/** Not traced: the tracing library ignores `/health` by default. */
@Controller('health')
export class HealthController {
  @Get()
  check() {
    return { status: 'ok' };
  }
}
