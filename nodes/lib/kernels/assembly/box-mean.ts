// Box mean over a (2r+1)^2 box, clipped at the borders: the arithmetic of the JavaScript it replaced
// (float64 running sums, float32 storage), so the values are the same to the bit.
import { getF32, setF32, getF64, setF64 } from './memory';

/**
 * `out` (w x h float32) = box mean of `src` with radius r. `horiz` is w x h float32 scratch, `acc` w float64
 * scratch, `inv` w float32 scratch. `out` may be `src`.
 */
export function boxMean(src: usize, w: i32, h: i32, r: i32, out: usize, horiz: usize, acc: usize, inv: usize): void {
  for (let i = 0; i < w; i++) setF32(inv, i, 1.0 / <f64>(min(i + r, w - 1) - max(i - r, 0) + 1));
  const lead = min(r, w - 1);
  const grow = min(r, w);
  for (let y = 0; y < h; y++) {
    const row = src + (<usize>(y * w) << 2);
    const hrow = horiz + (<usize>(y * w) << 2);
    let a: f64 = 0;
    for (let x = 0; x <= lead; x++) a += getF32(row, x);
    let x = 0;
    for (; x < grow && x + r + 1 < w; x++) {
      setF32(hrow, x, a * getF32(inv, x));
      a += getF32(row, x + r + 1);
    }
    for (; x + r + 1 < w; x++) {
      setF32(hrow, x, a * getF32(inv, x));
      a += getF32(row, x + r + 1) - getF32(row, x - r);
    }
    for (; x < w; x++) {
      setF32(hrow, x, a * getF32(inv, x));
      if (x - r >= 0) a -= getF32(row, x - r);
    }
  }
  memory.fill(acc, 0, <usize>w << 3);
  for (let y = 0; y <= min(r, h - 1); y++) {
    const row = horiz + (<usize>(y * w) << 2);
    for (let x = 0; x < w; x++) setF64(acc, x, getF64(acc, x) + getF32(row, x));
  }
  for (let y = 0; y < h; y++) {
    const k: f64 = 1.0 / <f64>(min(y + r, h - 1) - max(y - r, 0) + 1);
    const orow = out + (<usize>(y * w) << 2);
    const hasAdd = y + r + 1 < h;
    const hasSub = y - r >= 0;
    const add = horiz + (<usize>((y + r + 1) * w) << 2);
    const sub = horiz + (<usize>((y - r) * w) << 2);
    const vk = f64x2.splat(k);
    let x = 0;
    // Two columns at a time (float64 lanes): out = acc * k, then acc += the row entering, -= the row leaving.
    for (; x + 2 <= w; x += 2) {
      const pa = acc + (<usize>x << 3);
      let s = v128.load(pa);
      v128.store64_lane(orow + (<usize>x << 2), f32x4.demote_f64x2_zero(f64x2.mul(s, vk)), 0);
      if (hasAdd) s = f64x2.add(s, f64x2.promote_low_f32x4(v128.load64_zero(add + (<usize>x << 2))));
      if (hasSub) s = f64x2.sub(s, f64x2.promote_low_f32x4(v128.load64_zero(sub + (<usize>x << 2))));
      v128.store(pa, s);
    }
    for (; x < w; x++) {
      let s = getF64(acc, x);
      setF32(orow, x, s * k);
      if (hasAdd) s += getF32(add, x);
      if (hasSub) s -= getF32(sub, x);
      setF64(acc, x, s);
    }
  }
}
