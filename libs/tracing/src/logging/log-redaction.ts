import { AttributeRedactor } from '../redaction/attribute-redactor.js';
import { REDACTED } from '../redaction/redaction-defaults.js';
import { getTracingRuntime } from '../runtime/tracing-runtime.js';

/** Deep enough for `{ user: { credentials: { password } } }`; log objects are rarely deeper. */
const MAX_DEPTH = 3;
/** Before tracing starts, and with tracing off, logs get the default keys. */
const defaultRedactor = new AttributeRedactor();

type Fields = Record<string, unknown>;

function isPlainObject(value: unknown): value is Fields {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function redactValue(redactor: AttributeRedactor, key: string, value: unknown, depth: number): unknown {
  if (redactor.isSecretKey(key)) return REDACTED;
  if (depth === 0) return value;
  if (Array.isArray(value)) return redactArray(redactor, value, depth - 1);
  return isPlainObject(value) ? redactFields(redactor, value, depth - 1) : value;
}

function redactArray(redactor: AttributeRedactor, values: unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  values.forEach((value, index) => {
    const redacted = isPlainObject(value) ? redactFields(redactor, value, depth) : value;
    if (redacted === value) return;
    copy ??= [...values];
    copy[index] = redacted;
  });
  return copy ?? values;
}

function redactFields(redactor: AttributeRedactor, fields: Fields, depth: number): Fields {
  let copy: Fields | undefined;
  for (const key in fields) {
    const value = fields[key];
    const redacted = redactValue(redactor, key, value, depth);
    if (redacted === value) continue;
    copy ??= { ...fields };
    copy[key] = redacted;
  }
  return copy ?? fields;
}

/**
 * A log object with the values of secret keys replaced: the keys redacted from spans (password,
 * token, authorization, cookie, api key..., and the module's `redactKeys`), in plain objects and arrays up to three levels
 * down. Copies only what changes, so a line without secrets costs a walk over its keys. For a
 * logger's formatter: pino `formatters: { log: redactLogFields }`. Class instances (errors, requests)
 * are left to their serializers.
 */
export function redactLogFields<T extends object>(fields: T): T {
  return redactFields(getTracingRuntime()?.redactor ?? defaultRedactor, fields as Fields, MAX_DEPTH) as T;
}
