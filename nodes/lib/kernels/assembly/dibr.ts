// The forward warp of nodes/lib/dibr.ts (splats onto the two target columns around each pixel's shifted position,
// a z-buffer keeping the nearest surface, holes filled from the farther neighbour), in float64 as the JavaScript it
// replaced computed it: the same bytes.
import { getF32, getF64, setF64, getU8, setU8 } from './memory';

const Z_TOLERANCE_PX: f64 = 0.5;
const MIN_WEIGHT: f64 = 1e-3;

// A row buffer holds, per target column, four float64 (red, green and blue sums, then the weight sum) followed by
// the row's z values (one float64 a column): each splat adds (r, g, b, 1)·wt in two f64x2 operations, lane by lane
// the same IEEE products and sums the scalar code made (1·wt is wt exactly), so the same bytes.

@inline function splat(sums: usize, z: usize, tx: i32, wt: f64, zv: f64, rg: v128, b1: v128): void {
  const zb = getF64(z, tx);
  const at = sums + (<usize>tx << 5);
  if (zv > zb + Z_TOLERANCE_PX) {
    const w2 = f64x2.splat(wt);
    v128.store(at, f64x2.mul(rg, w2));
    v128.store(at, f64x2.mul(b1, w2), 16);
    setF64(z, tx, zv);
  } else if (zv >= zb - Z_TOLERANCE_PX) {
    const w2 = f64x2.splat(wt);
    v128.store(at, f64x2.add(v128.load(at), f64x2.mul(rg, w2)));
    v128.store(at, f64x2.add(v128.load(at, 16), f64x2.mul(b1, w2)), 16);
    if (zv > zb) setF64(z, tx, zv);
  }
}

@inline function splatBoth(sums: usize, z: usize, w: i32, t: f64, zv: f64, rg: v128, b1: v128): void {
  const xf = Math.floor(t);
  const f = t - xf;
  const x0 = <i32>xf;
  if (xf >= 0 && xf < <f64>w && f <= 1 - MIN_WEIGHT) splat(sums, z, x0, 1 - f, zv, rg, b1);
  if (f >= MIN_WEIGHT && xf + 1 >= 0 && xf + 1 < <f64>w) splat(sums, z, x0 + 1, f, zv, rg, b1);
}

function clearRow(sums: usize, z: usize, w: i32): void {
  memory.fill(sums, 0, <usize>w << 5);
  for (let x = 0; x < w; x++) setF64(z, x, -Infinity);
}

/** The weight sum of column x (the fourth float64 of its sums). */
@inline function weightAt(sums: usize, x: i32): f64 {
  return load<f64>(sums + (<usize>x << 5), 24);
}

/** One warped row into `out` at byte `o`: normalised splats, then holes filled from their farther neighbour. */
function fillRow(sums: usize, z: usize, w: i32, out: usize, o: i32): void {
  for (let x = 0; x < w; x++) {
    const at = sums + (<usize>x << 5);
    const wt = load<f64>(at, 24);
    if (wt >= MIN_WEIGHT) {
      // (sum · (1 / wt) + 0.5) truncated, lane by lane as the scalar code did it.
      const inv = f64x2.splat(1 / wt);
      const half = f64x2.splat(0.5);
      const rg = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(v128.load(at), inv), half));
      const b = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(v128.load(at, 16), inv), half));
      const d = out + <usize>(o + x * 3);
      store<u8>(d, <u8>i32x4.extract_lane(rg, 0));
      store<u8>(d, <u8>i32x4.extract_lane(rg, 1), 1);
      store<u8>(d, <u8>i32x4.extract_lane(b, 0), 2);
    } else {
      store<f64>(at, 0, 24);
    }
  }
  let x = 0;
  while (x < w) {
    if (weightAt(sums, x) !== 0) {
      x++;
      continue;
    }
    let end = x;
    while (end + 1 < w && weightAt(sums, end + 1) === 0) end++;
    const left = x - 1;
    const right = end + 1;
    let src = -1;
    if (left >= 0 && right < w) src = getF64(z, left) <= getF64(z, right) ? left : right;
    else if (left >= 0) src = left;
    else if (right < w) src = right;
    for (let k = x; k <= end; k++) {
      const d = o + k * 3;
      if (src < 0) {
        setU8(out, d, 0);
        setU8(out, d + 1, 0);
        setU8(out, d + 2, 0);
      } else {
        const s = o + src * 3;
        setU8(out, d, <i32>getU8(out, s));
        setU8(out, d + 1, <i32>getU8(out, s + 1));
        setU8(out, d + 2, <i32>getU8(out, s + 2));
      }
    }
    x = end + 1;
  }
}

/** Source pixel x of a row, splatted into each eye; `band` where it may lie in the border band. */
@inline function splatPixel(rgb: usize, values: usize, row: i32, x: i32, w: i32, scale: f64, offset: f64, fgGain: f64, borderBand: f64, zScale: f64, eyes: i32, sums1: usize, z1: usize, sums2: usize, z2: usize, band: bool): void {
  const v = getF32(values, row + x);
  const fx = <f64>x;
  let shift = scale * (v - offset);
  if (v > offset) shift *= fgGain;
  if (band) {
    const fw = <f64>w;
    if (fx < borderBand || fx >= fw - borderBand) {
      const edge = min(fx + 0.5, fw - 0.5 - fx) / borderBand;
      if (edge < 1) shift *= edge;
    }
  }
  const zv = v * zScale;
  const c = (row + x) * 3;
  const rg = f64x2(getU8(rgb, c), getU8(rgb, c + 1));
  const b1 = f64x2(getU8(rgb, c + 2), 1);
  splatBoth(sums1, z1, w, fx + shift, zv, rg, b1);
  if (eyes === 2) splatBoth(sums2, z2, w, fx - shift, zv, rg, b1);
}

/**
 * Warps `rgb` (w x h RGB24) by `values` (w x h float32): eye one shifted by pixelShift, eye two (when `eyes` is 2)
 * by its negation, z = v·|scale|. Each eye's rows go to its own w x h RGB24 image (out1, out2). Row buffers of 5·w
 * float64 per eye, at rows1 and rows2: the column sums (4·w, see above), then z (w).
 */
export function warp(rgb: usize, w: i32, h: i32, values: usize, scale: f64, offset: f64, foreground: f64, borderBand: f64, eyes: i32, out1: usize, out2: usize, rows1: usize, rows2: usize): void {
  const sums1 = rows1, z1 = rows1 + (<usize>w << 5);
  const sums2 = rows2, z2 = rows2 + (<usize>w << 5);
  const zScale = Math.abs(scale);
  const fgGain = 1 + foreground;
  const bandEnd = <f64>w - borderBand;
  const fw = <f64>w;
  // Columns whose shift the border band fades: x < borderBand or x >= bandEnd, integers against reals.
  const lo = <i32>min(Math.ceil(borderBand), fw);
  const hi = max(lo, <i32>min(Math.ceil(bandEnd), fw));
  for (let y = 0; y < h; y++) {
    const row = y * w;
    clearRow(sums1, z1, w);
    if (eyes === 2) clearRow(sums2, z2, w);
    for (let x = 0; x < lo; x++) splatPixel(rgb, values, row, x, w, scale, offset, fgGain, borderBand, zScale, eyes, sums1, z1, sums2, z2, true);
    for (let x = lo; x < hi; x++) splatPixel(rgb, values, row, x, w, scale, offset, fgGain, borderBand, zScale, eyes, sums1, z1, sums2, z2, false);
    for (let x = hi; x < w; x++) splatPixel(rgb, values, row, x, w, scale, offset, fgGain, borderBand, zScale, eyes, sums1, z1, sums2, z2, true);
    fillRow(sums1, z1, w, out1, row * 3);
    if (eyes === 2) fillRow(sums2, z2, w, out2, row * 3);
  }
}
