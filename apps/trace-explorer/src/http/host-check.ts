import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

/**
 * The host a request names, lower case, without its port: `localhost`, `127.0.0.1`, `::1`; undefined
 * without a Host header.
 */
export function requestHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.trim().toLowerCase();
  if (name.startsWith('[')) return name.slice(1, name.indexOf(']') === -1 ? undefined : name.indexOf(']'));
  return name.replace(/:\d*$/, '');
}

/** `localhost`, a name under `.localhost` (browsers resolve those to loopback themselves), 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Refuses a request whose Host is not a loopback name or address, the address the explorer listens
 * on, or one of `allowedHosts`. Binding loopback stops other machines; the Host check stops DNS
 * rebinding, where a page the browser loaded from a name that now resolves to 127.0.0.1 reads the
 * explorer as its own origin (its traces' URLs, attributes, log lines).
 */
export function hostCheck(allowedHosts: readonly string[], listenHost: string) {
  const allowed = new Set([...allowedHosts.map((host) => host.toLowerCase()), listenHost.toLowerCase()]);
  allowed.delete('0.0.0.0');
  allowed.delete('::');
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const host = requestHost(request.headers.host);
    if (host !== undefined && (isLoopbackHost(host) || allowed.has(host))) return next();
    response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`Host ${JSON.stringify(request.headers.host ?? '')} is not allowed: the explorer answers loopback names and TRACE_EXPLORER_ALLOWED_HOSTS\n`);
  };
}
