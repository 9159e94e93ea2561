/** A configuration value the library refuses; its message names the variable, the value and what is allowed. */
export class TracingConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`Invalid ${variable}="${value}": ${allowed}`);
    this.name = 'TracingConfigError';
  }
}
