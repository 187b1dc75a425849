// The guided filter's coefficients and their bilinear application (nodes/lib/guided-upsample.ts), with the
// arithmetic of the JavaScript they replaced.
import { boxMean } from './box-mean';
import { getF32, setF32, getF64, setF64, getI32, setI32 } from './memory';
import { alloc, mark, release } from './scratch';

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

/** Row r of c (lw wide) interpolated along x to w columns (float64, at `out`): lerp2's first step, for every x. */
function alongX(c: usize, lw: i32, r: i32, w: i32, x0: usize, x1: usize, fx: usize, out: usize): void {
  const row = r * lw;
  for (let x = 0; x < w; x++) {
    const s0 = getF32(c, row + getI32(x0, x));
    setF64(out, x, s0 + getF32(fx, x) * (getF32(c, row + getI32(x1, x)) - s0));
  }
}

/** Low row `row` of a and b along x in one of the two slots, unless one holds it already; the slot holding `keep` stays. */
function hold(row: i32, keep: i32, held: usize, slots: usize, rowBytes: usize, a: usize, b: usize, lw: i32, w: i32, x0: usize, x1: usize, fx: usize): void {
  if (getI32(held, 0) === row || getI32(held, 1) === row) return;
  const k = getI32(held, 0) !== keep ? 0 : 1;
  const slot = slots + <usize>(2 * k) * rowBytes;
  alongX(a, lw, row, w, x0, x1, fx, slot);
  alongX(b, lw, row, w, x0, x1, fx, slot + rowBytes);
  setI32(held, k, row);
}

/**
 * q = clamp(up(a)·I + up(b), lo, hi), up = bilinear from lw x lh to w x h on the axes given: x0, x1 (w int32), fx
 * (w float32), y0, y1 (h int32), fy (h float64). q may be I.
 *
 * lerp2's arithmetic, in two steps: each coefficient row the output rows read is interpolated along x once, into
 * float64 (two rows of a and two of b are kept, since consecutive output rows mostly read the same two), then
 * every output row interpolates between its two rows, two pixels at a time, lane by lane the scalar operations.
 */
export function applyUpsampled(a: usize, b: usize, lw: i32, I: usize, w: i32, h: i32, lo: f64, hi: f64, q: usize, x0: usize, x1: usize, fx: usize, y0: usize, y1: usize, fy: usize): void {
  const at = mark();
  // Two slots, each a low row along x of a then of b, and which low row each holds (-1: none).
  const rowBytes = <usize>w << 3;
  const slots = alloc(w << 5);
  const held = alloc(8);
  setI32(held, 0, -1);
  setI32(held, 1, -1);
  const lo2 = f64x2.splat(lo);
  const hi2 = f64x2.splat(hi);
  for (let y = 0; y < h; y++) {
    const r0 = getI32(y0, y);
    const r1 = getI32(y1, y);
    hold(r0, r1, held, slots, rowBytes, a, b, lw, w, x0, x1, fx);
    hold(r1, r0, held, slots, rowBytes, a, b, lw, w, x0, x1, fx);
    const aTop = slots + (getI32(held, 0) === r0 ? 0 : 2 * rowBytes);
    const bTop = aTop + rowBytes;
    const aBottom = slots + (getI32(held, 0) === r1 ? 0 : 2 * rowBytes);
    const bBottom = aBottom + rowBytes;
    const f2 = getF64(fy, y);
    const f22 = f64x2.splat(f2);
    const o = y * w;
    let x = 0;
    for (; x + 2 <= w; x += 2) {
      const k = <usize>x << 3;
      const at0 = v128.load(aTop + k);
      const bt0 = v128.load(bTop + k);
      // Each coefficient rounded to float32, as resizing both to full-size arrays first stored them.
      const av = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(at0, f64x2.mul(f22, f64x2.sub(v128.load(aBottom + k), at0)))));
      const bv = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(bt0, f64x2.mul(f22, f64x2.sub(v128.load(bBottom + k), bt0)))));
      const p = q + (<usize>(o + x) << 2);
      const iv = f64x2.promote_low_f32x4(v128.load64_zero(I + (<usize>(o + x) << 2)));
      v128.store64_lane(p, f32x4.demote_f64x2_zero(f64x2.max(lo2, f64x2.min(hi2, f64x2.add(f64x2.mul(av, iv), bv)))), 0);
    }
    for (; x < w; x++) {
      const at0 = getF64(aTop, x);
      const bt0 = getF64(bTop, x);
      const av = <f64><f32>(at0 + f2 * (getF64(aBottom, x) - at0));
      const bv = <f64><f32>(bt0 + f2 * (getF64(bBottom, x) - bt0));
      setF32(q, o + x, max(lo, min(hi, av * getF32(I, o + x) + bv)));
    }
  }
  release(at);
}

/** q = clamp(a·I + b, lo, hi) at one size. */
export function applySameSize(a: usize, b: usize, I: usize, n: i32, lo: f64, hi: f64, q: usize): void {
  for (let i = 0; i < n; i++) setF32(q, i, max(lo, min(hi, getF32(a, i) * getF32(I, i) + getF32(b, i))));
}
