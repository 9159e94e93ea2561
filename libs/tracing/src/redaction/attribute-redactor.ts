import type { Attributes } from '@opentelemetry/api';
import { DEFAULT_REDACTED_KEYS, REDACTED } from '../tracing.constants.js';

/** Attribute keys whose values are URLs or query strings: secrets hide in their parameters. */
const URL_KEY = /(^|\.)(url|target|query)(\.|$)|^url\./;
const QUERY_PARAMETER = /(^|[?&;])([^=&#;?]+)=([^&#;]*)/g;
const URL_PASSWORD = /(\/\/[^/:@\s]+):[^@/\s]*@/g;
/** Keys repeat across spans; remembering the verdict keeps redaction off the profile. */
const DECISION_CACHE_LIMIT = 2_000;

function normalise(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Decides which attribute values are secrets and replaces them with `[REDACTED]`. */
export class AttributeRedactor {
  private fragments: string[];
  private decisions = new Map<string, boolean>();

  constructor(extraKeys: readonly string[] = []) {
    this.fragments = [...DEFAULT_REDACTED_KEYS, ...extraKeys].map(normalise);
  }

  addKeys(keys: readonly string[]): void {
    this.fragments = [...new Set([...this.fragments, ...keys.map(normalise)])];
    this.decisions.clear();
  }

  isSecretKey(key: string): boolean {
    let secret = this.decisions.get(key);
    if (secret === undefined) {
      const normalised = normalise(key);
      secret = this.fragments.some((fragment) => normalised.includes(fragment));
      if (this.decisions.size < DECISION_CACHE_LIMIT) this.decisions.set(key, secret);
    }
    return secret;
  }

  /** Returns a redacted copy, or the same object when nothing in it is secret. */
  redact<T extends Attributes | undefined>(attributes: T): T {
    if (!attributes) return attributes;
    let copy: Attributes | undefined;
    for (const [key, value] of Object.entries(attributes)) {
      const redacted = this.redactValue(key, value);
      if (redacted === value) continue;
      copy ??= { ...attributes };
      copy[key] = redacted;
    }
    return (copy ?? attributes) as T;
  }

  maskUrl(url: string): string {
    return url
      .replace(URL_PASSWORD, `$1:${REDACTED}@`)
      .replace(QUERY_PARAMETER, (match, separator: string, name: string) =>
        this.isSecretKey(decodeURIComponentSafe(name)) ? `${separator}${name}=${REDACTED}` : match,
      );
  }

  private redactValue(key: string, value: Attributes[string]): Attributes[string] {
    if (value === undefined || value === REDACTED) return value;
    if (this.isSecretKey(key)) return REDACTED;
    if (typeof value === 'string' && URL_KEY.test(key)) return this.maskUrl(value);
    return value;
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
