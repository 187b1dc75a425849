// Edge refinement of one depth frame (nodes/edge-refine.ts: guided upsampling to the frame's size, the 3x3
// foreground dilation, float16 rounding) and the depth statistics of the result (nodes/lib/depth-stats.ts), in one
// call: the full-size luminance and the intermediate depth stay in kernel memory instead of two fresh frame-sized
// arrays a frame. The arithmetic of the JavaScript it replaced: the same bits.
import { getF32, setF32, getF64, setF64, getI32, setI32, getU8 } from './memory';
import { guidedCoefficients, applyUpsampled, applySameSize } from './guided';
import { dilate3x3 } from './dilate';
import { roundToFloat16 } from './float16';
import { alloc, mark, release } from './scratch';
import { lerp2 } from './sample';

/** Rec. 601 luma in 0..1 of n RGB24 pixels; `lut` (256 bytes, or 0 for none) maps each byte first. */
export function luminance(rgb: usize, n: i32, lut: usize, out: usize): void {
  if (lut) {
    for (let i = 0, c = 0; i < n; i++, c += 3) {
      setF32(out, i, (getU8(lut, <i32>load<u8>(rgb + <usize>c)) * 0.299 + getU8(lut, <i32>load<u8>(rgb + <usize>c + 1)) * 0.587 + getU8(lut, <i32>load<u8>(rgb + <usize>c + 2)) * 0.114) / 255);
    }
    return;
  }
  for (let i = 0, c = 0; i < n; i++, c += 3) setF32(out, i, (getU8(rgb, c) * 0.299 + getU8(rgb, c + 1) * 0.587 + getU8(rgb, c + 2) * 0.114) / 255);
}

/** bilinearAxis (nodes/lib/bilinear-resize.ts): per output index the two source indices and the second's weight. */
function bilinearAxis(src: i32, dst: i32, i0: usize, i1: usize, f: usize): void {
  for (let d = 0; d < dst; d++) {
    const s = min(<f64>(src - 1), max(0.0, ((<f64>d + 0.5) * <f64>src) / <f64>dst - 0.5));
    const a = <i32>Math.floor(s);
    setI32(i0, d, a);
    setI32(i1, d, min(src - 1, a + 1));
    setF64(f, d, s - <f64>a);
  }
}

/**
 * The axes of a bilinear resize from sw x sh to dw x dh, in scratch: a record of six pointers, x0, x1 (int32) and fx
 * (float32, as resizeBilinear has always rounded the horizontal weights) across, y0, y1 (int32) and fy (float64) down.
 */
function bilinearAxes(sw: i32, sh: i32, dw: i32, dh: i32): usize {
  const ax = alloc(6 * 4);
  const fx64 = alloc(dw * 8);
  const fx = alloc(dw * 4);
  setI32(ax, 0, <i32>alloc(dw * 4));
  setI32(ax, 1, <i32>alloc(dw * 4));
  setI32(ax, 2, <i32>fx);
  setI32(ax, 3, <i32>alloc(dh * 4));
  setI32(ax, 4, <i32>alloc(dh * 4));
  setI32(ax, 5, <i32>alloc(dh * 8));
  bilinearAxis(sw, dw, axis(ax, 0), axis(ax, 1), fx64);
  for (let x = 0; x < dw; x++) setF32(fx, x, getF64(fx64, x));
  bilinearAxis(sh, dh, axis(ax, 3), axis(ax, 4), axis(ax, 5));
  return ax;
}

@inline function axis(ax: usize, k: i32): usize {
  return <usize>getI32(ax, k);
}

/** resizeBilinear (nodes/lib/bilinear-resize.ts): src (sw x sh) → out (dw x dh); a copy when the sizes match. */
export function resizeBilinear(src: usize, sw: i32, sh: i32, dw: i32, dh: i32, out: usize): void {
  if (sw === dw && sh === dh) {
    memory.copy(out, src, <usize>(sw * sh * 4));
    return;
  }
  const at = mark();
  const ax = bilinearAxes(sw, sh, dw, dh);
  const x0 = axis(ax, 0);
  const x1 = axis(ax, 1);
  const fx = axis(ax, 2);
  for (let y = 0; y < dh; y++) {
    const f2 = getF64(axis(ax, 5), y);
    const ra = getI32(axis(ax, 3), y) * sw;
    const rb = getI32(axis(ax, 4), y) * sw;
    const o = y * dw;
    for (let x = 0; x < dw; x++) setF32(out, o + x, lerp2(src, ra, rb, getI32(x0, x), getI32(x1, x), getF32(fx, x), f2));
  }
  release(at);
}

/**
 * valueRange (nodes/lib/depth-stats.ts): min and max of the non-NaN values, as two pairs of running extremes over
 * even and odd positions combined the way it combines them (which decides between -0 and 0). Written at `out`
 * (two float64).
 */
export function valueRange(values: usize, n: i32, out: usize): void {
  // Four lanes at a time (pmin and pmax keep a lane's value unless the new one is strictly beyond it, NaN never,
  // as the scalar comparisons do), then the lanes combined. Lanes hold each extreme by value, so the result is the
  // scalar's except between 0 and -0, which compare equal: with no -0 among the values a zero extreme is 0 (as
  // normalised depth's far end is), else it is found again the scalar way.
  if (n >= 8) {
    let mn = f32x4.splat(Infinity);
    let mx = f32x4.splat(-Infinity);
    let negativeZero = i32x4.splat(0);
    const negativeZeroBits = i32x4.splat(0x80000000);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(values + (<usize>i << 2));
      mn = f32x4.pmin(mn, v);
      mx = f32x4.pmax(mx, v);
      negativeZero = v128.or(negativeZero, i32x4.eq(v, negativeZeroBits));
    }
    let lo = min(min(<f64>f32x4.extract_lane(mn, 0), <f64>f32x4.extract_lane(mn, 1)), min(<f64>f32x4.extract_lane(mn, 2), <f64>f32x4.extract_lane(mn, 3)));
    let hi = max(max(<f64>f32x4.extract_lane(mx, 0), <f64>f32x4.extract_lane(mx, 1)), max(<f64>f32x4.extract_lane(mx, 2), <f64>f32x4.extract_lane(mx, 3)));
    let tailNegativeZero = false;
    for (; i < n; i++) {
      const v = getF32(values, i);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (load<u32>(values + (<usize>i << 2)) === 0x80000000) tailNegativeZero = true;
    }
    if ((lo !== 0 && hi !== 0) || !(tailNegativeZero || v128.any_true(negativeZero))) {
      setF64(out, 0, lo);
      setF64(out, 1, hi);
      return;
    }
  }
  valueRangeScalar(values, n, out);
}

/** valueRange as nodes/lib/depth-stats.ts computes it, even and odd positions apart. */
function valueRangeScalar(values: usize, n: i32, out: usize): void {
  let min0: f64 = Infinity;
  let max0: f64 = -Infinity;
  let min1: f64 = Infinity;
  let max1: f64 = -Infinity;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const v = getF32(values, i);
    const u = getF32(values, i + 1);
    if (v < min0) min0 = v;
    if (v > max0) max0 = v;
    if (u < min1) min1 = u;
    if (u > max1) max1 = u;
  }
  if (i < n) {
    const v = getF32(values, i);
    if (v < min0) min0 = v;
    if (v > max0) max0 = v;
  }
  setF64(out, 0, min1 < min0 ? min1 : min0);
  setF64(out, 1, max1 > max0 ? max1 : max0);
}

const BINS = 4096;

/**
 * depthStats (nodes/lib/depth-stats.ts) of n values: min, max, p02, p50, p98 at `out` (five float64). Returns 0, or
 * 1 when the values hold NaN or infinities at their extremes (the caller's slow path measures the finite ones).
 */
export function depthStats(values: usize, n: i32, out: usize): i32 {
  valueRange(values, n, out);
  const lo = getF64(out, 0);
  const hi = getF64(out, 1);
  if (!(lo <= hi) || !isFinite(lo) || !isFinite(hi)) return 1;
  if (lo === hi) {
    setF64(out, 2, lo);
    setF64(out, 3, lo);
    setF64(out, 4, lo);
    return 0;
  }
  const at = mark();
  // Four histograms, values taken four at a time, one to each: a smooth depth map puts neighbours in the same bin,
  // and one histogram made each count wait for the one before it. Summed after, the counts are the same.
  const hist = alloc(4 * BINS * 4);
  memory.fill(hist, 0, 4 * BINS * 4);
  const scale = <f64>BINS / (hi - lo);
  const lo2 = f64x2.splat(lo);
  const scale2 = f64x2.splat(scale);
  const top = i32x4.splat(BINS - 1);
  const offsets = i32x4(0, BINS * 4, BINS * 8, BINS * 12);
  let count = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(values + (<usize>i << 2));
    // NaN is in no bin: a quad holding one goes the scalar way.
    if (!v128.all_true<i32>(f32x4.eq(v, v))) {
      for (let k = 0; k < 4; k++) count += binOne(hist + <usize>(k * BINS * 4), getF32(values, i + k), lo, hi, scale);
      continue;
    }
    const a = i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v), lo2), scale2));
    const b = i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), lo2), scale2));
    const bins = i32x4.min_s(i32x4.shuffle(a, b, 0, 1, 4, 5), top);
    const p = i32x4.add(i32x4.shl(bins, 2), offsets);
    const p0 = hist + <usize>i32x4.extract_lane(p, 0);
    const p1 = hist + <usize>i32x4.extract_lane(p, 1);
    const p2 = hist + <usize>i32x4.extract_lane(p, 2);
    const p3 = hist + <usize>i32x4.extract_lane(p, 3);
    store<i32>(p0, load<i32>(p0) + 1);
    store<i32>(p1, load<i32>(p1) + 1);
    store<i32>(p2, load<i32>(p2) + 1);
    store<i32>(p3, load<i32>(p3) + 1);
    count += 4;
  }
  for (; i < n; i++) count += binOne(hist, getF32(values, i), lo, hi, scale);
  for (let b = 0; b < BINS; b++) setI32(hist, b, getI32(hist, b) + getI32(hist, b + BINS) + getI32(hist, b + 2 * BINS) + getI32(hist, b + 3 * BINS));
  setF64(out, 2, percentile(hist, 0.02, count, lo, hi, scale));
  setF64(out, 3, percentile(hist, 0.5, count, lo, hi, scale));
  setF64(out, 4, percentile(hist, 0.98, count, lo, hi, scale));
  release(at);
  return 0;
}

/** Counts v in its bin of `hist` when it lies in lo..hi (not NaN); returns 1 when counted. */
@inline function binOne(hist: usize, v: f64, lo: f64, hi: f64, scale: f64): i32 {
  if (!(v >= lo && v <= hi)) return 0;
  const b = <i32>((v - lo) * scale);
  const k = b < BINS ? b : BINS - 1;
  setI32(hist, k, getI32(hist, k) + 1);
  return 1;
}

function percentile(hist: usize, q: f64, count: i32, lo: f64, hi: f64, scale: f64): f64 {
  const target = q * <f64>count;
  let acc: f64 = 0;
  for (let b = 0; b < BINS; b++) {
    const hb = <f64><u32>getI32(hist, b);
    const next = acc + hb;
    if (next >= target && hb > 0) return lo + (<f64>b + (target - acc) / hb) / scale;
    acc = next;
  }
  return hi;
}

/**
 * One frame of edge-refine: depth (dw x dh float32) upsampled to the frame's w x h by the guided filter, fitted at
 * lw x lh with box radius r and regulariser eps, clamped to the depth's range; then, when `dilate` is 1, the 3x3
 * max filter; when `finish` is 1, rounded to float16 and measured (statistics to stats, five float64); written to out
 * (w x h float32). Returns depthStats' flag (0 when not finished). rgb is the frame (w x h RGB24), lut 256 bytes or 0.
 */
export function refineFrame(depth: usize, dw: i32, dh: i32, rgb: usize, w: i32, h: i32, lut: usize, lw: i32, lh: i32, r: i32, eps: f64, dilate: i32, finish: i32, out: usize, stats: usize): i32 {
  const n = w * h;
  const ln = lw * lh;
  const at = mark();
  const I = alloc(n * 4);
  luminance(rgb, n, lut, I);
  const pLow = alloc(ln * 4);
  resizeBilinear(depth, dw, dh, lw, lh, pLow);
  let iLow = I;
  if (lw !== w || lh !== h) {
    iLow = alloc(ln * 4);
    resizeBilinear(I, w, h, lw, lh, iLow);
  }
  const a = alloc(ln * 4);
  const b = alloc(ln * 4);
  guidedCoefficients(iLow, pLow, lw, lh, r, eps, a, b, alloc(ln * 4), alloc(ln * 4), alloc(ln * 4), alloc(lw * 8), alloc(lw * 4));
  const range = alloc(16);
  valueRange(depth, dw * dh, range);
  const q = dilate ? alloc(n * 4) : out;
  if (lw === w && lh === h) applySameSize(a, b, I, n, getF64(range, 0), getF64(range, 1), q);
  else {
    const ax = bilinearAxes(lw, lh, w, h);
    applyUpsampled(a, b, lw, I, w, h, getF64(range, 0), getF64(range, 1), q, axis(ax, 0), axis(ax, 1), axis(ax, 2), axis(ax, 3), axis(ax, 4), axis(ax, 5));
  }
  if (dilate) dilate3x3(q, w, h, alloc(n * 4), out);
  release(at);
  if (!finish) return 0;
  roundToFloat16(out, n);
  return depthStats(out, n, stats);
}
