import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { startWithPreload } from '@app/test-support';

/** The messaging test apps, built by `npm run pretest:messaging` from test/messaging/apps. */
export const APPS = resolve('test/messaging/apps/dist');

export interface AppProcess {
  child: ChildProcess;
  /** The HTTP URL the app printed, or the ready line of an app without HTTP. */
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<unknown>;
}

const READY = /(?:listening on )?(http:\/\/\S+|worker ready)/;

/** An app started as users start theirs, with the preload: it uses the library. */
export async function startTraced(app: string, env: Record<string, string>): Promise<AppProcess> {
  const started = await startWithPreload(resolve(APPS, `${app}.js`), env, { ready: READY });
  return { ...started, url: started.url };
}

/**
 * An app started without the preload and with `UNINSTRUMENTED=1`, so it never loads the library:
 * the peer service that does not use it.
 */
export async function startUntraced(app: string, env: Record<string, string>): Promise<AppProcess> {
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, [resolve(APPS, `${app}.js`)], {
    env: { PATH, HOME, TMPDIR, NO_COLOR: '1', ...env, UNINSTRUMENTED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<unknown>((done) => child.once('close', (code, signal) => done(code ?? signal)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${app} did not start within 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = READY.exec(output);
      if (!match) return;
      clearTimeout(timer);
      done(match[1]);
    });
    void exited.then((status) => {
      clearTimeout(timer);
      fail(new Error(`${app} exited (${String(status)}) before it was ready:\n${output}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return { child, url, output: () => output, stop };
}

export interface DownstreamCall {
  method: string;
  path: string;
  traceparent?: string;
  body: string;
}

/** The HTTP service the handlers call: it records each call's traceparent and body, and answers 200. */
export class Downstream {
  readonly calls: DownstreamCall[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Downstream> {
    const server = createServer();
    const downstream = new Downstream(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        downstream.calls.push({
          method: request.method ?? '',
          path: request.url ?? '',
          traceparent: request.headers.traceparent as string | undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.end('{}');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return downstream;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}
