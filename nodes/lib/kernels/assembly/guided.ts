// The guided filter's coefficients and their bilinear application (nodes/lib/guided-upsample.ts), with the
// arithmetic of the JavaScript they replaced.
import { boxMean } from './box-mean';
import { getF32, setF32, getF64, getI32 } from './memory';
import { lerp2 } from './sample';

/**
 * a, b of the guided filter of p by guide I (w x h float32 each), box radius r: written to `a` and `b` (w x h
 * float32). Scratch: t0, t1 (w x h float32 each), horiz (w x h float32), acc (w float64), inv (w float32).
 */
export function guidedCoefficients(I: usize, p: usize, w: i32, h: i32, r: i32, eps: f64, a: usize, b: usize, t0: usize, t1: usize, horiz: usize, acc: usize, inv: usize): void {
  const n = w * h;
  // a ← I·I, b ← I·p, then their box means in place; t0, t1 ← the means of I and p.
  for (let i = 0; i < n; i++) {
    const iv = getF32(I, i);
    setF32(a, i, iv * iv);
    setF32(b, i, iv * getF32(p, i));
  }
  boxMean(I, w, h, r, t0, horiz, acc, inv);
  boxMean(p, w, h, r, t1, horiz, acc, inv);
  boxMean(a, w, h, r, a, horiz, acc, inv);
  boxMean(b, w, h, r, b, horiz, acc, inv);
  for (let i = 0; i < n; i++) {
    const mi = getF32(t0, i);
    const varI = getF32(a, i) - mi * mi;
    const cov = getF32(b, i) - mi * getF32(t1, i);
    const ai = cov / (varI + eps);
    setF32(a, i, ai);
    setF32(b, i, getF32(t1, i) - ai * mi);
  }
  boxMean(a, w, h, r, a, horiz, acc, inv);
  boxMean(b, w, h, r, b, horiz, acc, inv);
}

/**
 * q = clamp(up(a)·I + up(b), lo, hi), up = bilinear from lw x lh to w x h on the axes given: x0, x1 (w int32), fx
 * (w float32), y0, y1 (h int32), fy (h float64).
 */
export function applyUpsampled(a: usize, b: usize, lw: i32, I: usize, w: i32, h: i32, lo: f64, hi: f64, q: usize, x0: usize, x1: usize, fx: usize, y0: usize, y1: usize, fy: usize): void {
  for (let y = 0; y < h; y++) {
    const f2 = getF64(fy, y);
    const ra = getI32(y0, y) * lw;
    const rb = getI32(y1, y) * lw;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const i0 = getI32(x0, x);
      const i1 = getI32(x1, x);
      const f = getF32(fx, x);
      // Each coefficient interpolated and rounded to float32, as resizing both to full-size arrays first stored them.
      const av = <f64><f32>lerp2(a, ra, rb, i0, i1, f, f2);
      const bv = <f64><f32>lerp2(b, ra, rb, i0, i1, f, f2);
      setF32(q, o + x, max(lo, min(hi, av * getF32(I, o + x) + bv)));
    }
  }
}

/** q = clamp(a·I + b, lo, hi) at one size. */
export function applySameSize(a: usize, b: usize, I: usize, n: i32, lo: f64, hi: f64, q: usize): void {
  for (let i = 0; i < n; i++) setF32(q, i, max(lo, min(hi, getF32(a, i) * getF32(I, i) + getF32(b, i))));
}
