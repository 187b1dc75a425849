/**
 * The one robust normalisation of depth: a frame's p02 maps to 0 (far) and its p98 to 1 (near), clamped, so one
 * near object or a few outliers never wash the rest out. Every stage that shows or uses raw depth as 0..1 calls this.
 */
import type { DepthScale, DepthStats } from '../core/types.ts';

/** Raw depth → 0..1 by the frame's robust range (p02..p98), clamped; into `out` when given. */
export function normaliseDepth(d: Float32Array, s: DepthStats, out = new Float32Array(d.length)): Float32Array {
  const inv = s.p98 > s.p02 ? 1 / (s.p98 - s.p02) : 0;
  for (let i = 0; i < d.length; i++) {
    const v = (d[i] - s.p02) * inv;
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

/** Depth as 0..1, near = 1: a 'unit' stream as it is (its scale is already meaningful across frames), raw normalised. */
export function unitDepth(d: Float32Array, s: DepthStats, scale: DepthScale | undefined): Float32Array {
  return scale === 'unit' ? d : normaliseDepth(d, s);
}
