import type { Server } from 'node:http';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** How long requests already in flight get to finish once the app is closing. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Lets a closing app finish. Node's `server.close()` stops new connections and closes idle ones,
 * but a keep-alive client that keeps sending (a pooled HTTP client, an outbox's fetch) is served on
 * its open connections for as long as it sends. From the moment the app starts closing, every
 * response says `Connection: close`, idle connections are closed, and whatever is still open after
 * the grace period is cut, so the app's own shutdown (spans flushed, pools closed) always runs.
 */
@Injectable()
export class GracefulHttpShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    drainConnections(server, SHUTDOWN_GRACE_MS, () => this.logger.warn(`connections still open after ${SHUTDOWN_GRACE_MS} ms were closed`));
  }
}

/** Ends `server`'s keep-alive connections as above; `onCut` hears when the grace period had to end some. */
export function drainConnections(server: Server, graceMs: number, onCut: () => void = () => undefined): void {
  server.prependListener('request', (_request, response) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  });
  server.closeIdleConnections();
  const cut = setTimeout(() => {
    server.closeAllConnections();
    onCut();
  }, graceMs);
  cut.unref();
  server.once('close', () => clearTimeout(cut));
}
