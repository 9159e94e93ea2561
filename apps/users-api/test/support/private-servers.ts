import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, globSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitUntil } from '@app/test-support';
import { acceptsConnections } from './sample-system.js';

/**
 * A PostgreSQL or Redis server of the test's own, on a free loopback port, which the test may
 * freeze (SIGSTOP), thaw, stop and start again without touching the machine's shared servers.
 */
export interface PrivateServer {
  url: string;
  port: number;
  freeze(): void;
  thaw(): void;
  /** Stops the server; `start()` brings it back on the same port with the same data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function childPids(parent: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

export async function startPrivateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitUntil(() => acceptsConnections(port), 10_000);
  };
  const stop = async () => {
    if (!child) return;
    signalAll([child.pid!], 'SIGCONT');
    child.kill('SIGKILL');
    await exited(child);
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    freeze: () => signalAll(child ? [child.pid!] : [], 'SIGSTOP'),
    thaw: () => signalAll(child ? [child.pid!] : [], 'SIGCONT'),
    start,
    stop,
    destroy: stop,
  };
}

/** The newest PostgreSQL server binaries Debian installed (scripts/test-services.sh). */
function postgresBin(): string {
  const servers = globSync('/usr/lib/postgresql/*/bin/postgres').sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  if (servers.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql: run scripts/test-services.sh');
  return servers.at(-1)!.replace(/\/postgres$/, '');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPrivatePostgres(): Promise<PrivateServer> {
  const bin = postgresBin();
  const port = await freePort();
  const user = postgresUser();
  const directory = mkdtempSync(join(tmpdir(), 'pg-private-'));
  chmodSync(directory, 0o700);
  if (user) chownSync(directory, user.uid, user.gid);
  const data = join(directory, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync'], { stdio: 'ignore', ...user });

  let child: ChildProcess | undefined;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  /** The postmaster and every backend: freezing only the postmaster leaves open connections served. */
  const serverPids = () => {
    if (!child) return [];
    const postmaster = child.pid!;
    return [postmaster, ...childPids(postmaster)];
  };
  const start = async () => {
    const args = ['-D', data, '-p', String(port), '-k', directory, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'];
    child = spawn(join(bin, 'postgres'), args, { stdio: 'ignore', ...user });
    await waitUntil(async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.end();
        return true;
      } catch {
        return undefined;
      }
    }, 20_000);
  };
  const stop = async () => {
    if (!child) return;
    signalAll(serverPids(), 'SIGCONT');
    // Fast shutdown: the postmaster ends every session and exits.
    child.kill('SIGINT');
    await exited(child);
    child = undefined;
  };
  await start();
  return {
    url,
    port,
    freeze: () => signalAll(serverPids(), 'SIGSTOP'),
    thaw: () => signalAll(serverPids(), 'SIGCONT'),
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
