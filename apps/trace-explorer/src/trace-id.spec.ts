import { isStoredTraceId, parseTraceId, parseTraceIdPrefix } from './trace-id.js';

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('trace ids', () => {
  it('stores only 32 lowercase hex digits that are not all zero', () => {
    expect(isStoredTraceId(ID)).toBe(true);
    expect(isStoredTraceId(ID.toUpperCase())).toBe(false);
    expect(isStoredTraceId(ID.slice(1))).toBe(false);
    expect(isStoredTraceId(`${ID.slice(1)}g`)).toBe(false);
    expect(isStoredTraceId('0'.repeat(32))).toBe(false);
  });

  it('reads a given id as Jaeger does: either case, a short one left-padded', () => {
    expect(parseTraceId(ID.toUpperCase())).toBe(ID);
    expect(parseTraceId('abc')).toBe(`${'0'.repeat(29)}abc`);
    expect(parseTraceId('')).toBeUndefined();
    expect(parseTraceId(`${ID}0`)).toBeUndefined();
    expect(parseTraceId('not-hex')).toBeUndefined();
  });

  it('reads a search prefix without padding it', () => {
    expect(parseTraceIdPrefix('4BF9')).toBe('4bf9');
    expect(parseTraceIdPrefix('')).toBeUndefined();
    expect(parseTraceIdPrefix('xyz')).toBeUndefined();
  });
});
