import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const FIXTURE_MAIN = resolve('libs/tracing/test/fixture/dist/main.js');

export interface FixtureProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | NodeJS.Signals | null>;
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/** Only what a process needs from the environment: each test sets the tracing variables itself. */
function baseEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR, NODE_ENV: 'test', PORT: '0' };
}

/** Starts the fixture app as users start theirs: `node --import @app/tracing/register main.js`. */
export function runFixture(env: Record<string, string>): { child: ChildProcess; output(): string; exited: FixtureProcess['exited'] } {
  const child = spawn(process.execPath, ['--import', '@app/tracing/register', FIXTURE_MAIN], {
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  return { child, output: () => output, exited };
}

export async function startFixture(env: Record<string, string>): Promise<FixtureProcess> {
  const run = runFixture(env);
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`fixture did not start:\n${run.output()}`)), 20_000);
    run.child.stdout!.on('data', () => {
      const match = run.output().match(/listening (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        done(match[1].replace('[::1]', '127.0.0.1'));
      }
    });
    void run.exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`fixture exited (${code}) before listening:\n${run.output()}`));
    });
  });
  return {
    ...run,
    url,
    stop: async (signal = 'SIGTERM') => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(signal);
      return run.exited;
    },
  };
}
