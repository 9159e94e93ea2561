import { jest } from '@jest/globals';
import { mapInTurns } from './in-turns.js';

describe('mapInTurns', () => {
  it('maps every slice in order, and lets the event loop run between slices', async () => {
    const seen: string[] = [];
    // Queued before the first slice runs: it must run before the second.
    setImmediate(() => seen.push('other work'));
    const mapping = mapInTurns(
      [1, 2, 3, 4, 5],
      (slice) => {
        seen.push(`slice ${slice.join(',')}`);
        return slice.reduce((sum, item) => sum + item, 0);
      },
      2,
    );
    expect(await mapping).toEqual([3, 7, 5]);
    expect(seen).toEqual(['slice 1,2', 'other work', 'slice 3,4', 'slice 5']);
  });

  it('maps nothing for no items', async () => {
    const fn = jest.fn();
    expect(await mapInTurns([], fn)).toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });
});
