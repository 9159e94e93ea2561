import { barPlacement, timeTicks } from './waterfall-layout.js';

describe('barPlacement', () => {
  it('places a span by its offset and length within the trace', () => {
    expect(barPlacement({ startUs: 1_250, durationUs: 500 }, 1_000, 1_000)).toEqual({ leftPercent: 25, widthPercent: 50, labelSide: 'right' });
  });

  it('keeps the shortest span visible', () => {
    expect(barPlacement({ startUs: 0, durationUs: 0 }, 0, 1_000_000).widthPercent).toBe(0.3);
  });

  it('writes the duration left of a bar that reaches the end of the track, or on a bar that spans it', () => {
    expect(barPlacement({ startUs: 700, durationUs: 300 }, 0, 1_000).labelSide).toBe('left');
    expect(barPlacement({ startUs: 0, durationUs: 1_000 }, 0, 1_000).labelSide).toBe('inside');
  });

  it('copes with a trace of no duration', () => {
    expect(barPlacement({ startUs: 5, durationUs: 0 }, 5, 0)).toEqual({ leftPercent: 0, widthPercent: 0.3, labelSide: 'right' });
  });
});

describe('timeTicks', () => {
  it('ticks at round offsets from the start, none near the end where its label would not fit', () => {
    expect(timeTicks(374_200).map((tick) => tick.offsetUs)).toEqual([0, 100_000, 200_000, 300_000]);
    expect(timeTicks(1_000).map((tick) => tick.offsetUs)).toEqual([0, 200, 400, 600, 800]);
    expect(timeTicks(12).map((tick) => tick.offsetUs)).toEqual([0, 5, 10]);
    expect(timeTicks(10_400).map((tick) => tick.offsetUs)).toEqual([0, 5_000]);
  });

  it('gives each tick its place on the track', () => {
    expect(timeTicks(1_000).map((tick) => tick.atPercent)).toEqual([0, 20, 40, 60, 80]);
  });
});
