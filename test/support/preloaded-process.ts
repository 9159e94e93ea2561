import { type ChildProcess, spawn } from 'node:child_process';

export type ExitStatus = number | NodeJS.Signals | null;

export interface SpawnedProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  exited: Promise<ExitStatus>;
}

export interface PreloadedProcess extends SpawnedProcess {
  url: string;
  stop(signal?: NodeJS.Signals): Promise<ExitStatus>;
}

export interface StartOptions {
  /** A line matching this, with the URL as first group, means the app is listening. */
  ready?: RegExp;
  timeoutMs?: number;
}

/** Only what a process needs from the parent environment: tests set the app's variables themselves. */
function baseEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR, NO_COLOR: '1' };
}

/**
 * Runs `entry` as users run it in production: `node --import nestjs-tracing/register entry`. Test
 * runners bypass Node's module hooks, so only a real process proves auto-instrumentation.
 */
export function spawnWithPreload(entry: string, env: Record<string, string>): SpawnedProcess {
  const child = spawn(process.execPath, ['--import', 'nestjs-tracing/register', entry], {
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': only then has all of the child's output been read from its pipes.
  const exited = new Promise<ExitStatus>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal)));
  return { child, output: () => output, exited };
}

/** Starts `entry` with the preload and resolves once it prints the URL it listens on. */
export async function startWithPreload(
  entry: string,
  env: Record<string, string>,
  { ready = /listening (?:on )?(http:\/\/[^\s"]+)/, timeoutMs = 30_000 }: StartOptions = {},
): Promise<PreloadedProcess> {
  const spawned = spawnWithPreload(entry, env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${timeoutMs} ms:\n${spawned.output()}`)), timeoutMs);
    spawned.child.stdout!.on('data', () => {
      const match = spawned.output().match(ready);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1].replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1'));
    });
    void spawned.exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${status}) before listening:\n${spawned.output()}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill(signal);
    return spawned.exited;
  };
  return { ...spawned, url, stop };
}
