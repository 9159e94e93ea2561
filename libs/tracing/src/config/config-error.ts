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
