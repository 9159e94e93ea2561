import { DroppedSpans } from './dropped-spans.js';

describe('DroppedSpans', () => {
  it('counts every drop but warns at most once a minute, with what was dropped since', () => {
    let now = 0;
    const warnings: string[] = [];
    const dropped = new DroppedSpans(
      (message) => warnings.push(message),
      () => now,
    );

    dropped.add(3, 'export failed');
    now = 30_000;
    dropped.add(5, 'export queue full');
    now = 59_999;
    dropped.add(1, 'export queue full');
    expect(warnings).toHaveLength(1);
    now = 60_000;
    dropped.add(2, 'export failed');

    expect(dropped.count).toBe(11);
    expect(warnings).toEqual(['Dropped 3 span(s): export failed. 3 dropped since start.', 'Dropped 8 span(s): export failed. 11 dropped since start.']);
  });
});
