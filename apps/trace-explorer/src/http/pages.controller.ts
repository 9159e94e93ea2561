import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Controller, Get, Res } from '@nestjs/common';

/** Where `npm run build` puts the page and its script and styles. */
export const UI_DIRECTORY = join(import.meta.dirname, '..', 'ui');

/**
 * The page behind every UI path: the list at `/`, a trace at `/trace/{traceID}` (Jaeger's path,
 * so a response's `x-trace-id` opens its trace), the service map at `/map`. The script reads the
 * path and draws the view.
 */
@Controller()
export class PagesController {
  private readonly page = readFileSync(join(UI_DIRECTORY, 'index.html'));

  @Get(['', 'trace/:traceId', 'map'])
  index(@Res() response: ServerResponse): void {
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // Only our own script and styles, nothing inline: values from spans can never run as code.
        'content-security-policy':
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      })
      .end(this.page);
  }
}
