import { type ChildProcess, spawn } from 'node:child_process';

export interface Program {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Ends its whole process group (a launcher script's children too) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A server the suites start (a trace backend, a broker), with only PATH and HOME from the test's environment. */
export function runProgram(command: string, args: string[], env: Record<string, string> = {}): Program {
  const child = spawn(command, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
