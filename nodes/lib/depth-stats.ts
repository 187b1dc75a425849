/**
 * Robust statistics of a depth frame, and the scene-bounded temporal smoothing of its range. Percentiles come from a
 * 4096-bin histogram between min and max (two passes, no sort), precise to 1/4096 of the range — far below what
 * a viewer can see in a disparity map.
 */
import type { DepthStats } from '../core/types.ts';
import { f32, f64, kernels, layout } from './kernels/wasm.ts';

/**
 * min, max and the 2nd/50th/98th percentiles of the finite values (all zero when there are none), by the
 * WebAssembly kernel (kernels/assembly/refine.ts): min and max in one pass (two pairs of running extremes), then a
 * 4096-bin histogram, percentiles interpolated inside their bin so they move smoothly as values drift.
 */
export function depthStats(depth: Float32Array): DepthStats {
  const n = depth.length;
  const [values, out] = layout(n * 4, 5 * 8);
  f32(values, n).set(depth);
  if (kernels().depthStats(values, n, out) !== 0) return finiteOnly(depth);
  return statsAt(out);
}

/** The five float64 a kernel wrote at `ptr` as DepthStats. */
export function statsAt(ptr: number): DepthStats {
  const [min, max, p02, p50, p98] = f64(ptr, 5);
  return { min, max, p02, p50, p98 };
}

/** min and max of the non-NaN values (Infinity, -Infinity when there are none). */
export function valueRange(values: Float32Array): { min: number; max: number } {
  const n = values.length;
  const [src, out] = layout(n * 4, 2 * 8);
  f32(src, n).set(values);
  kernels().valueRange(src, n, out);
  const [min, max] = f64(out, 2);
  return { min, max };
}

/** Slow path for frames with NaN or infinities: copy the finite values and measure those. */
function finiteOnly(depth: Float32Array): DepthStats {
  let n = 0;
  for (let i = 0; i < depth.length; i++) if (Number.isFinite(depth[i])) n++;
  if (n === 0 || n === depth.length) return { min: 0, max: 0, p02: 0, p50: 0, p98: 0 };
  const finite = new Float32Array(n);
  n = 0;
  for (let i = 0; i < depth.length; i++) if (Number.isFinite(depth[i])) finite[n++] = depth[i];
  return depthStats(finite);
}

/** The depth range a frame is normalised by: `lo` maps to 0 (far), `hi` to 1 (near). */
export interface DepthRange {
  lo: number;
  hi: number;
}

/**
 * The normalisation range of frame `index`: a Gaussian-weighted mean (sigma = radius / 2) of the p02/p98 of frames
 * [first, last] (inclusive, already bounded by the scene and the radius), so the range follows slow changes without
 * pumping when the nearest object moves. `stats[k]` belongs to frame `statsStart + k`.
 */
export function smoothedRange(stats: readonly DepthStats[], statsStart: number, index: number, first: number, last: number, radius: number): DepthRange {
  const sigma = Math.max(radius / 2, 0.5);
  let lo = 0;
  let hi = 0;
  let wsum = 0;
  for (let j = first; j <= last; j++) {
    const d = j - index;
    const w = Math.exp((-d * d) / (2 * sigma * sigma));
    const s = stats[j - statsStart];
    lo += w * s.p02;
    hi += w * s.p98;
    wsum += w;
  }
  lo /= wsum;
  hi /= wsum;
  if (!(hi - lo > 1e-6 * Math.max(1, Math.abs(hi), Math.abs(lo)))) hi = lo + 1;
  return { lo, hi };
}
