/**
 * Settings read as the library reads its own: unset and blank alike, and a bad value refused with
 * one line naming the variable, the value and what is allowed (`ConfigError`).
 */
export { ConfigError, exitOnConfigError } from './config-error.js';
export { type Env, envBoolean, envChoice, envInteger, envList, envRate, envString, envUrl, type IntegerRange } from './env.js';
export { loadTracingConfig } from './load-tracing-config.js';
