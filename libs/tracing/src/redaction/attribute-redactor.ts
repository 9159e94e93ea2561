import type { Attributes } from '@opentelemetry/api';
import { DEFAULT_REDACTED_KEYS, DEFAULT_REDACTED_QUERY_PARAMETERS, REDACTED } from './redaction-defaults.js';

/** Attribute keys whose values are URLs or query strings: secrets hide in their parameters. */
const URL_KEY = /(^|\.)(url|target|query)(\.|$)|^url\./;
const QUERY_PARAMETER = /(^|[?&;])([^=&#;?]+)=([^&#;]*)/g;
const URL_PASSWORD = /(\/\/[^/:@\s]+):[^@/\s]*@/g;
/** Keys repeat across spans; remembering the verdict keeps redaction off the profile. */
const DECISION_CACHE_LIMIT = 2_000;

/** What a key's value needs: nothing, replacing, or masking the secrets inside a URL. */
const enum KeyKind {
  Plain,
  Secret,
  Url,
}

function normalise(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Decides which attribute values are secrets and replaces them with `[REDACTED]`. */
export class AttributeRedactor {
  private fragments: string[];
  private decisions = new Map<string, KeyKind>();
  private queryParameters: Set<string>;

  constructor(extraKeys: readonly string[] = []) {
    this.fragments = [...DEFAULT_REDACTED_KEYS, ...extraKeys].map(normalise);
    this.queryParameters = new Set(DEFAULT_REDACTED_QUERY_PARAMETERS.map(normalise));
  }

  addKeys(keys: readonly string[]): void {
    this.fragments = [...new Set([...this.fragments, ...keys.map(normalise)])];
    this.decisions.clear();
  }

  /** Query parameter names masked inside URLs, matched whole (case and separators ignored). */
  addQueryParameters(names: readonly string[]): void {
    for (const name of names) this.queryParameters.add(normalise(name));
  }

  isSecretKey(key: string): boolean {
    return this.kindOf(key) === KeyKind.Secret;
  }

  /** A secret key, or a parameter name that carries credentials by convention (`sig`, `pwd`...). */
  isSecretQueryParameter(name: string): boolean {
    return this.isSecretKey(name) || this.queryParameters.has(normalise(name));
  }

  /** Returns a redacted copy, or the same object when nothing in it is secret. */
  redact<T extends Attributes | undefined>(attributes: T): T {
    if (!attributes) return attributes;
    let copy: Attributes | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      const redacted = this.redactValue(key, value);
      if (redacted === value) continue;
      copy ??= { ...attributes };
      copy[key] = redacted;
    }
    return (copy ?? attributes) as T;
  }

  maskUrl(url: string): string {
    // Most values (url.path, http.route) hold neither a password nor a parameter: skip both regexes.
    if (!url.includes('@') && !url.includes('=')) return url;
    return url
      .replace(URL_PASSWORD, `$1:${REDACTED}@`)
      .replace(QUERY_PARAMETER, (match, separator: string, name: string) =>
        this.isSecretQueryParameter(decodeURIComponentSafe(name)) ? `${separator}${name}=${REDACTED}` : match,
      );
  }

  private redactValue(key: string, value: Attributes[string]): Attributes[string] {
    if (value === undefined || value === REDACTED) return value;
    const kind = this.kindOf(key);
    if (kind === KeyKind.Secret) return REDACTED;
    if (kind === KeyKind.Url && typeof value === 'string') return this.maskUrl(value);
    return value;
  }

  private kindOf(key: string): KeyKind {
    let kind = this.decisions.get(key);
    if (kind === undefined) {
      const normalised = normalise(key);
      if (this.fragments.some((fragment) => normalised.includes(fragment))) kind = KeyKind.Secret;
      else kind = URL_KEY.test(key) ? KeyKind.Url : KeyKind.Plain;
      if (this.decisions.size < DECISION_CACHE_LIMIT) this.decisions.set(key, kind);
    }
    return kind;
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
