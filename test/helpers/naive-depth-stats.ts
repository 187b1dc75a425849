/**
 * The depth statistics of nodes/lib/depth-stats.ts written out value by value, for tests to compare the WebAssembly
 * kernel's results with, bit for bit: min and max as two pairs of running extremes (even and odd positions, strict
 * comparisons, which decide between 0 and -0), then one 4096-bin histogram between them and each percentile
 * interpolated inside its bin.
 */
import type { DepthStats } from '../../nodes/core/types.ts';

export function naiveValueRange(values: Float32Array): { min: number; max: number } {
  let min0 = Infinity;
  let max0 = -Infinity;
  let min1 = Infinity;
  let max1 = -Infinity;
  values.forEach((v, i) => {
    if (i % 2 === 0) {
      if (v < min0) min0 = v;
      if (v > max0) max0 = v;
    } else {
      if (v < min1) min1 = v;
      if (v > max1) max1 = v;
    }
  });
  return { min: min1 < min0 ? min1 : min0, max: max1 > max0 ? max1 : max0 };
}

const BINS = 4096;

/** The kernel's statistics of values with finite extremes (the caller measures others by their finite values). */
export function naiveDepthStats(values: Float32Array): DepthStats {
  const { min: lo, max: hi } = naiveValueRange(values);
  if (lo === hi) return { min: lo, max: hi, p02: lo, p50: lo, p98: lo };
  const hist = new Array<number>(BINS).fill(0);
  const scale = BINS / (hi - lo);
  let count = 0;
  for (const v of values) {
    if (!(v >= lo && v <= hi)) continue;
    hist[Math.min(BINS - 1, Math.trunc((v - lo) * scale))]++;
    count++;
  }
  const percentile = (q: number): number => {
    const target = q * count;
    let acc = 0;
    for (let b = 0; b < BINS; b++) {
      const next = acc + hist[b];
      if (next >= target && hist[b] > 0) return lo + (b + (target - acc) / hist[b]) / scale;
      acc = next;
    }
    return hi;
  };
  return { min: lo, max: hi, p02: percentile(0.02), p50: percentile(0.5), p98: percentile(0.98) };
}
