/** Temporal windows bounded by scene cuts: no temporal filter ever reads across a cut. */

/** Cut flags positioned in the stream: `flags[k]` is 1 when frame `start + k` starts a new scene. */
export interface CutFlags {
  start: number;
  flags: Uint8Array;
}

/** True when frame `i` starts a scene according to `cuts` (frames outside the flags never do). */
export function isCut(cuts: CutFlags | undefined, i: number): boolean {
  if (!cuts) return false;
  const k = i - cuts.start;
  return k >= 0 && k < cuts.flags.length && cuts.flags[k] === 1;
}

/**
 * The frames [first, last] (inclusive) around `i` that lie in i's scene, within `radius` and within the available
 * frames [lo, hi] (inclusive).
 */
export function sceneSpan(cuts: CutFlags | undefined, i: number, radius: number, lo: number, hi: number): { first: number; last: number } {
  let first = i;
  const minFirst = Math.max(lo, i - radius);
  while (first > minFirst && !isCut(cuts, first)) first--;
  let last = i;
  const maxLast = Math.min(hi, i + radius);
  while (last < maxLast && !isCut(cuts, last + 1)) last++;
  return { first, last };
}
