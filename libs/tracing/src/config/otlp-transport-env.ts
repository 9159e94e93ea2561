import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { type Env, envChoice, envInteger, readEnv } from './env.js';

/** Each OTLP transport variable, generic and for traces. */
const forms = (suffix: string) => [`OTEL_EXPORTER_OTLP_${suffix}`, `OTEL_EXPORTER_OTLP_TRACES_${suffix}`];

/**
 * The OTLP variables the SDK's transport reads itself (headers, timeout, compression, TLS files),
 * validated here with the rest: the transport logs a diagnostic and carries on without a value it
 * cannot use (a misspelt certificate path, a timeout of `10s`), which would leave an exporter
 * silently unauthenticated, uncompressed or failing TLS.
 */
export function validateOtlpTransportEnv(env: Env): void {
  for (const name of forms('TIMEOUT')) envInteger(env, name);
  for (const name of forms('COMPRESSION')) envChoice(env, name, ['gzip', 'none'], 'none');
  for (const name of forms('HEADERS')) validateHeaders(env, name);
  for (const name of [...forms('CERTIFICATE'), ...forms('CLIENT_KEY'), ...forms('CLIENT_CERTIFICATE')]) validateReadableFile(env, name);
}

/** `key=value,key2=value2`, values URL-encoded, as the specification's W3C-baggage-like format has it. */
function validateHeaders(env: Env, name: string): void {
  const raw = readEnv(env, name);
  if (raw === undefined) return;
  for (const entry of raw.split(',')) {
    if (!/^\s*[^=\s]+\s*=/.test(entry)) throw new ConfigError(name, raw, 'expected key=value pairs separated by commas, e.g. x-api-key=abc123');
  }
}

/** A path, relative to the working directory as the transport reads it, to a file that can be read. */
function validateReadableFile(env: Env, name: string): void {
  const raw = readEnv(env, name);
  if (raw === undefined) return;
  const path = resolve(process.cwd(), raw);
  try {
    accessSync(path, constants.R_OK);
    if (!statSync(path).isFile()) throw new Error('not a file');
  } catch {
    throw new ConfigError(name, raw, 'expected a readable PEM file (a path, relative to the working directory)');
  }
}
