/**
 * Generated hostile input for fuzz tests: JSON values, raw bodies, query strings, path segments and
 * header values that have broken apps before. Deterministic for a seed, so a failure can be replayed.
 */
export class HostileValues {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** xorshift32: small, fast and good enough to pick cases. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)];
  }

  string(): string {
    return this.pick<() => string>([
      () => '',
      () => ' ',
      () => 'a\u0000b',
      () => '\ud800',
      () => 'x\udfff',
      () => 'line\r\nBcc: evil@example.com',
      () => '\u001b[31mred',
      () => '\u0085\u2028\u2029',
      () => '🙂'.repeat(this.int(300)),
      () => 'x'.repeat(this.pick([199, 200, 201, 320, 321, 20_001])),
      () => `${'a'.repeat(this.int(70))}@example.com`,
      () => 'user@exa mple.com',
      () => "'; DROP TABLE users; --",
      () => '%00%ff%',
      () => '{{constructor.constructor("return process")()}}',
      () => '__proto__',
      () => String(this.number()),
      () => 'ａｄｍｉｎ@example.com',
    ])();
  }

  number(): number {
    return this.pick([0, -0, -1, 1.5, 1e20, -1e20, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, 1e308, 5e-324]);
  }

  key(): string {
    return this.pick([
      'email',
      'name',
      'password',
      'to',
      'subject',
      'body',
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '',
      'a.b',
      'x'.repeat(1_000),
      this.string(),
    ]);
  }

  value(depth = 0): unknown {
    const kind = this.int(depth > 6 ? 5 : 8);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.next() < 0.5;
      case 2:
        return this.number();
      case 3:
      case 4:
        return this.string();
      case 5:
        return this.nested(this.pick([10, 17, 40]));
      case 6:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default: {
        const object: Record<string, unknown> = {};
        for (let index = this.int(4); index > 0; index--) object[this.key()] = this.value(depth + 1);
        return object;
      }
    }
  }

  /** Arrays or objects nested `depth` deep. */
  nested(depth: number): unknown {
    let value: unknown = this.string();
    for (let level = depth; level > 0; level--) value = this.next() < 0.5 ? [value] : { a: value };
    return value;
  }

  /** JSON text nested thousands deep, written directly: JSON.stringify itself would overflow the stack. */
  deepJson(field: string): string {
    const depth = this.pick([1_000, 6_000, 20_000]);
    const [open, close] = this.next() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
    return `{${JSON.stringify(field)}:${open.repeat(depth)}1${close.repeat(depth)}}`;
  }

  /** A JSON body: a valid one with one field made hostile, an extra hostile field, deep nesting, or anything at all. */
  body(valid: Record<string, unknown>): string {
    const mode = this.int(5);
    if (mode === 0) return JSON.stringify(this.value());
    if (mode === 4) return this.deepJson(this.pick([...Object.keys(valid), 'unknown']));
    const body: Record<string, unknown> = { ...valid };
    const field = mode === 1 ? this.pick(Object.keys(valid)) : this.key();
    body[field] = this.value();
    // JSON.stringify writes a `__proto__` own property as the key it is.
    return JSON.stringify(body);
  }

  rawBody(): string | Buffer {
    return this.pick<() => string | Buffer>([
      () => '{"email":',
      () => '{"a":1}}',
      () => '\u0000',
      () => Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
      () => `{"name":"${'\\u'.repeat(3)}"}`,
      () => '{"a":' + '1'.repeat(400) + '}',
      () => 'x'.repeat(150_000),
      () => '[' + '{},'.repeat(30_000) + '{}]',
    ])();
  }

  contentType(): string {
    return this.pick([
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ]);
  }

  /** Percent-encoded; a lone surrogate, which encodeURIComponent refuses, goes as its raw UTF-8 bytes. */
  encoded(value: string): string {
    return value.isWellFormed() ? encodeURIComponent(value) : `${encodeURIComponent(value.toWellFormed())}%ED%A0%80`;
  }

  query(): string {
    const parameter = () =>
      `${encodeURIComponent(this.pick(['limit', 'offset', 'constructor', '__proto__', 'x']))}=${this.pick([
        this.encoded(this.string()),
        '0x10',
        '%20%205',
        '1e3',
        '-0',
        '99999999999999999999999',
        '%E0%A4%A',
        '',
      ])}`;
    return Array.from({ length: 1 + this.int(3) }, parameter).join('&');
  }

  pathSegment(ids: readonly string[]): string {
    return this.pick([
      ...ids,
      '00000000-0000-0000-0000-000000000000',
      'not-a-uuid',
      '%00',
      '%E0%A4%A',
      '..%2F..%2Fetc%2Fpasswd',
      'x'.repeat(5_000),
      this.encoded(this.string()),
    ]);
  }

  idempotencyKey(): string {
    return this.pick(['k', 'k'.repeat(256), 'k'.repeat(4_096), 'key with spaces', 'cl\u00e9', `k-${this.int(5)}`]);
  }
}
