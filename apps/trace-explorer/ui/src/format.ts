import type { AttributeValue } from '../../src/explorer-api.js';

/** Microseconds as people read them: µs below a millisecond, ms below a second, then s. */
export function formatDuration(us: number): string {
  if (us < 1_000) return `${us} µs`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

/** The time of day of a timestamp in µs, to the millisecond, in the browser's zone. */
export function formatTime(us: number): string {
  const date = new Date(us / 1_000);
  return `${date.toLocaleTimeString([], { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** "1 span", "2 spans": the count and its noun, plural with an s unless told otherwise. */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}

export function valueText(value: AttributeValue): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** A stable colour per service name. */
export function serviceColour(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 55% 45%)`;
}
