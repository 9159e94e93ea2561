import { jsonDepthExceeds } from './json-depth.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonDepthExceeds(bytes('{"a":[{"b":1}]}'), 3)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes('{"a":"[[[[{{{{\\"[[[["}'), 1)).toBe(false);
  });

  it('stops at the limit in a body nested millions deep', () => {
    const deep = Buffer.alloc(8_000_000, '[');
    const started = performance.now();
    expect(jsonDepthExceeds(deep, 64)).toBe(true);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
