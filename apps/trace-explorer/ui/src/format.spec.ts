import { counted, formatDuration, serviceColour, valueText } from './format.js';

describe('formatting', () => {
  it('writes durations in the unit that reads best', () => {
    expect(formatDuration(999)).toBe('999 µs');
    expect(formatDuration(1_500)).toBe('1.50 ms');
    expect(formatDuration(12_345)).toBe('12.3 ms');
    expect(formatDuration(2_500_000)).toBe('2.50 s');
  });

  it('counts in the singular for one', () => {
    expect(counted(1, 'span')).toBe('1 span');
    expect(counted(0, 'span')).toBe('0 spans');
    expect(counted(2, 'log line')).toBe('2 log lines');
    expect(counted(1, 'error')).toBe('1 error');
  });

  it('shows structured values as JSON and the rest as text', () => {
    expect(valueText({ a: [1, true] })).toBe('{"a":[1,true]}');
    expect(valueText(null)).toBe('null');
    expect(valueText(3.5)).toBe('3.5');
  });

  it('gives a service the same colour every time', () => {
    expect(serviceColour('users-api')).toBe(serviceColour('users-api'));
    expect(serviceColour('users-api')).toMatch(/^hsl\(\d+ 55% 45%\)$/);
  });
});
