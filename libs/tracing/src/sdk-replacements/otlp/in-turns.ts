/** Items handled per turn of the event loop by {@link mapInTurns}: 64 spans are ~0.2 ms of serialization. */
export const ITEMS_PER_TURN = 64;

/**
 * `fn` over `items` in slices of `size`, one slice per turn of the event loop. An export batch
 * serialized at once (512 spans: ~2 ms) holds every request that arrives meanwhile for all of it;
 * in turns, such a request waits for one slice at most. The first slice runs at once.
 */
export async function mapInTurns<T, R>(items: readonly T[], fn: (slice: readonly T[]) => R, size = ITEMS_PER_TURN): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    results.push(fn(items.slice(start, start + size)));
  }
  return results;
}
