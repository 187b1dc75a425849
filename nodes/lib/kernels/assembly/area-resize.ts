// Area-averaging resize of RGB24 images (nodes/lib/area-resize-rgb.ts), with its arithmetic: the same bytes.
import { getF32, getI32, getU8, setU8 } from './memory';

@inline function toByte(v: f64): i32 {
  return v < 0 ? 0 : v > 255 ? 255 : <i32>(v + 0.5);
}

/** A pixel's three bytes at `p` and the byte after it (never used) as int32 lanes: red, green, blue, next. */
@inline function pixelLanes(p: usize): v128 {
  return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
}

/**
 * `src` (sw x sh RGB24) → `out` (dw x dh RGB24). Weights per axis as the JavaScript lays them out: first index,
 * count and `taps` float32 weights per output index (xFirst, xCount, xWeights; yFirst, yCount, yWeights). Scratch:
 * mid (dw x sh x 3 float32).
 *
 * Each value is the scalar code's: the horizontal pass sums byte · weight in float64 tap by tap and stores the sum as
 * float32 (red and green in one f64x2, blue in another, lane by lane the same IEEE operations); the vertical pass
 * sums float32 · weight in float64 tap by tap (0 + x is x for these non-negative sums, so starting from the first
 * product is starting from zero), four values at a time, then clamps to 0..255 and rounds half up.
 */
export function areaResizeRgb(src: usize, sw: i32, sh: i32, dw: i32, dh: i32, xFirst: usize, xCount: usize, xWeights: usize, xTaps: i32, yFirst: usize, yCount: usize, yWeights: usize, yTaps: i32, mid: usize, out: usize): void {
  for (let y = 0; y < sh; y++) {
    const srow = src + <usize>(y * sw * 3);
    let m = mid + <usize>(y * dw * 12);
    for (let x = 0, wi = 0; x < dw; x++, wi += xTaps, m += 12) {
      let s = srow + <usize>(getI32(xFirst, x) * 3);
      const n = getI32(xCount, x);
      // pixelLanes reads one byte past the pixel: past the image's last pixel that is the next array of the layout.
      const px = pixelLanes(s);
      let w = f64x2.splat(getF32(xWeights, wi));
      let rg = f64x2.mul(f64x2.convert_low_i32x4_u(px), w);
      let b = <f64>load<u8>(s, 2) * getF32(xWeights, wi);
      for (let k = 1; k < n; k++) {
        s += 3;
        const wk = getF32(xWeights, wi + k);
        w = f64x2.splat(wk);
        rg = f64x2.add(rg, f64x2.mul(f64x2.convert_low_i32x4_u(pixelLanes(s)), w));
        b += <f64>load<u8>(s, 2) * wk;
      }
      v128.store64_lane(m, f32x4.demote_f64x2_zero(rg), 0);
      store<f32>(m, <f32>b, 8);
    }
  }
  const rowLen = dw * 3;
  const zero = f64x2.splat(0);
  const top = f64x2.splat(255);
  const half = f64x2.splat(0.5);
  for (let y = 0; y < dh; y++) {
    const n = getI32(yCount, y);
    const f0 = getI32(yFirst, y);
    const o = y * rowLen;
    const wy = yWeights + <usize>(y * yTaps * 4);
    let i = 0;
    for (; i + 4 <= rowLen; i += 4) {
      let p = mid + <usize>((f0 * rowLen + i) << 2);
      let w = f64x2.splat(<f64>load<f32>(wy));
      let v = v128.load(p);
      let lo = f64x2.mul(f64x2.promote_low_f32x4(v), w);
      let hi = f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), w);
      for (let k = 1; k < n; k++) {
        p += <usize>(rowLen << 2);
        w = f64x2.splat(<f64>load<f32>(wy + <usize>(k << 2)));
        v = v128.load(p);
        lo = f64x2.add(lo, f64x2.mul(f64x2.promote_low_f32x4(v), w));
        hi = f64x2.add(hi, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), w));
      }
      const a = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.pmin(f64x2.pmax(lo, zero), top), half));
      const c = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.pmin(f64x2.pmax(hi, zero), top), half));
      const q = i32x4.shuffle(a, c, 0, 1, 4, 5);
      const h = i16x8.narrow_i32x4_u(q, q);
      v128.store32_lane(out + <usize>(o + i), i8x16.narrow_i16x8_u(h, h), 0);
    }
    for (; i < rowLen; i++) {
      let v = getF32(mid, f0 * rowLen + i) * getF32(wy, 0);
      for (let k = 1; k < n; k++) v += getF32(mid, (f0 + k) * rowLen + i) * getF32(wy, k);
      setU8(out, o + i, toByte(v));
    }
  }
}
