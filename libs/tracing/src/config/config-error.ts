/** A setting that is refused; its message names the variable, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`Invalid ${variable}="${value}": ${expected}`);
    this.name = 'ConfigError';
  }
}

/**
 * For a program's entry point: a {@link ConfigError} becomes one line, `[name] message`, on stderr
 * and exit code 1, because a stack trace would bury the one thing to fix. Any other error is rethrown.
 */
export function exitOnConfigError(error: unknown, name: string): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`[${name}] ${error.message}\n`);
  process.exit(1);
}
