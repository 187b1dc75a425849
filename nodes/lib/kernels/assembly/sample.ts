// Bilinear sampling shared by the kernels, in the arithmetic of the JavaScript they replaced: along x on two rows,
// then between the rows, in float64 from float32 samples.
import { getF32 } from './memory';

/** src between columns i0 and i1 (weight f of i1) on rows starting at r0 and r1, then between the rows (weight fy of r1). */
@inline export function lerp2(src: usize, r0: i32, r1: i32, i0: i32, i1: i32, f: f64, fy: f64): f64 {
  const s0 = getF32(src, r0 + i0);
  const s1 = getF32(src, r1 + i0);
  const a = s0 + f * (getF32(src, r0 + i1) - s0);
  const b = s1 + f * (getF32(src, r1 + i1) - s1);
  return a + fy * (b - a);
}

/** src (w x h) at (px, py), the position clamped to the image first. */
@inline export function sampleClamped(src: usize, w: i32, h: i32, px: f64, py: f64): f64 {
  const sx = max(0.0, min(<f64>(w - 1), px));
  const sy = max(0.0, min(<f64>(h - 1), py));
  const x0 = <i32>sx;
  const y0 = <i32>sy;
  const x1 = x0 < w - 1 ? x0 + 1 : x0;
  const r0 = y0 * w;
  const r1 = (y0 < h - 1 ? y0 + 1 : y0) * w;
  return lerp2(src, r0, r1, x0, x1, sx - <f64>x0, sy - <f64>y0);
}
