/**
 * Where the waterfall draws things, in per cent of the track's width: pure, so the view only
 * places what this computes.
 */

/** The narrowest bar drawn, so a span of a microsecond stays visible and clickable. */
const MIN_BAR_PERCENT = 0.3;
/** A bar ending past this point has its duration written to its left, inside the track... */
const LABEL_FLIP_PERCENT = 80;
/** ...unless it starts before this point too: then there is room only on the bar itself. */
const LABEL_INSIDE_PERCENT = 15;
/** No tick this near the end: its label would run past the track or into the tick before. */
const LAST_TICK_PERCENT = 92;

export interface BarPlacement {
  leftPercent: number;
  widthPercent: number;
  /** Where the bar's duration is written: right or left of it, or on it when it spans the track. */
  labelSide: 'right' | 'left' | 'inside';
}

export function barPlacement(span: { startUs: number; durationUs: number }, traceStartUs: number, traceDurationUs: number): BarPlacement {
  const total = Math.max(traceDurationUs, 1);
  const leftPercent = ((span.startUs - traceStartUs) / total) * 100;
  const widthPercent = Math.max((span.durationUs / total) * 100, MIN_BAR_PERCENT);
  const labelSide = leftPercent + widthPercent <= LABEL_FLIP_PERCENT ? 'right' : leftPercent >= LABEL_INSIDE_PERCENT ? 'left' : 'inside';
  return { leftPercent, widthPercent, labelSide };
}

export interface Tick {
  atPercent: number;
  /** Microseconds since the trace started. */
  offsetUs: number;
}

/**
 * The time axis: ticks at round offsets (1, 2 or 5 times a power of ten µs) from the trace's start,
 * at most `maxTicks` of them after 0, none in the last stretch of the track.
 */
export function timeTicks(traceDurationUs: number, maxTicks = 5): Tick[] {
  const total = Math.max(traceDurationUs, 1);
  const rough = total / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough)!;
  const ticks: Tick[] = [];
  for (let offsetUs = 0; (offsetUs / total) * 100 < LAST_TICK_PERCENT; offsetUs += step) ticks.push({ atPercent: (offsetUs / total) * 100, offsetUs });
  return ticks;
}
