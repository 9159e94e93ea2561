import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const EXPLORER = resolve('dist/apps/trace-explorer/main.js');

export interface ExplorerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | string | null>;
  stop(): Promise<number | string | null>;
}

/** The built explorer as `npm run start:trace-explorer` runs it (no preload), once it says where it listens. */
export function spawnExplorer(env: Record<string, string>): Omit<ExplorerProcess, 'url'> {
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, [EXPLORER], { env: { PATH, HOME, TMPDIR, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': only then has all of the child's output been read from its pipes.
  const exited = new Promise<number | string | null>((done) => child.once('close', (code, signal) => done(code ?? signal)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return { child, output: () => output, exited, stop };
}

export async function startExplorer(env: Record<string, string>): Promise<ExplorerProcess> {
  const spawned = spawnExplorer(env);
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the explorer did not start within 20 s:\n${spawned.output()}`)), 20_000);
    spawned.child.stdout!.on('data', () => {
      const match = /trace explorer: (http:\/\/\S+)/.exec(spawned.output());
      if (!match) return;
      clearTimeout(timer);
      done(match[1].replace('localhost', '127.0.0.1'));
    });
    void spawned.exited.then((status) => {
      clearTimeout(timer);
      fail(new Error(`the explorer exited (${status}) before listening:\n${spawned.output()}`));
    });
  });
  return { ...spawned, url };
}
