// The forward warp of nodes/lib/dibr.ts (splats onto the two target columns around each pixel's shifted position,
// a z-buffer keeping the nearest surface, holes filled from the farther neighbour), in float64 as the JavaScript it
// replaced computed it: the same bytes.
import { getF32, getF64, setF64, getU8, setU8 } from './memory';

const Z_TOLERANCE_PX: f64 = 0.5;
const MIN_WEIGHT: f64 = 1e-3;

@inline function splat(acc: usize, weight: usize, z: usize, tx: i32, wt: f64, zv: f64, r: f64, g: f64, b: f64): void {
  const zb = getF64(z, tx);
  const o = tx * 3;
  if (zv > zb + Z_TOLERANCE_PX) {
    setF64(acc, o, r * wt);
    setF64(acc, o + 1, g * wt);
    setF64(acc, o + 2, b * wt);
    setF64(weight, tx, wt);
    setF64(z, tx, zv);
  } else if (zv >= zb - Z_TOLERANCE_PX) {
    setF64(acc, o, getF64(acc, o) + r * wt);
    setF64(acc, o + 1, getF64(acc, o + 1) + g * wt);
    setF64(acc, o + 2, getF64(acc, o + 2) + b * wt);
    setF64(weight, tx, getF64(weight, tx) + wt);
    if (zv > zb) setF64(z, tx, zv);
  }
}

@inline function splatBoth(acc: usize, weight: usize, z: usize, w: i32, t: f64, zv: f64, r: f64, g: f64, b: f64): void {
  const xf = Math.floor(t);
  const f = t - xf;
  const x0 = <i32>xf;
  if (xf >= 0 && xf < <f64>w && f <= 1 - MIN_WEIGHT) splat(acc, weight, z, x0, 1 - f, zv, r, g, b);
  if (f >= MIN_WEIGHT && xf + 1 >= 0 && xf + 1 < <f64>w) splat(acc, weight, z, x0 + 1, f, zv, r, g, b);
}

function clearRow(acc: usize, weight: usize, z: usize, w: i32): void {
  memory.fill(acc, 0, <usize>(w * 3) << 3);
  memory.fill(weight, 0, <usize>w << 3);
  for (let x = 0; x < w; x++) setF64(z, x, -Infinity);
}

/** One warped row into `out` at byte `o`: normalised splats, then holes filled from their farther neighbour. */
function fillRow(acc: usize, weight: usize, z: usize, w: i32, out: usize, o: i32): void {
  for (let x = 0; x < w; x++) {
    const wt = getF64(weight, x);
    if (wt >= MIN_WEIGHT) {
      const inv = 1 / wt;
      setU8(out, o + x * 3, <i32>(getF64(acc, x * 3) * inv + 0.5));
      setU8(out, o + x * 3 + 1, <i32>(getF64(acc, x * 3 + 1) * inv + 0.5));
      setU8(out, o + x * 3 + 2, <i32>(getF64(acc, x * 3 + 2) * inv + 0.5));
    } else {
      setF64(weight, x, 0);
    }
  }
  let x = 0;
  while (x < w) {
    if (getF64(weight, x) !== 0) {
      x++;
      continue;
    }
    let end = x;
    while (end + 1 < w && getF64(weight, end + 1) === 0) end++;
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

/**
 * Warps `rgb` (w x h RGB24) by `values` (w x h float32): eye one shifted by pixelShift, eye two (when `eyes` is 2)
 * by its negation, z = v·|scale|. Each eye's rows go to its own w x h RGB24 image (out1, out2). Row buffers: acc
 * (w x 3 float64), weight and z (w float64) per eye, at rows1 and rows2 (5·w float64 each).
 */
export function warp(rgb: usize, w: i32, h: i32, values: usize, scale: f64, offset: f64, foreground: f64, borderBand: f64, eyes: i32, out1: usize, out2: usize, rows1: usize, rows2: usize): void {
  const acc1 = rows1, weight1 = rows1 + (<usize>(w * 3) << 3), z1 = weight1 + (<usize>w << 3);
  const acc2 = rows2, weight2 = rows2 + (<usize>(w * 3) << 3), z2 = weight2 + (<usize>w << 3);
  const zScale = Math.abs(scale);
  const fgGain = 1 + foreground;
  const bandEnd = <f64>w - borderBand;
  const fw = <f64>w;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    clearRow(acc1, weight1, z1, w);
    if (eyes === 2) clearRow(acc2, weight2, z2, w);
    for (let x = 0, c = row * 3; x < w; x++, c += 3) {
      const v = getF32(values, row + x);
      const fx = <f64>x;
      let shift = scale * (v - offset);
      if (v > offset) shift *= fgGain;
      if (fx < borderBand || fx >= bandEnd) {
        const edge = min(fx + 0.5, fw - 0.5 - fx) / borderBand;
        if (edge < 1) shift *= edge;
      }
      const zv = v * zScale;
      const r = getU8(rgb, c), g = getU8(rgb, c + 1), b = getU8(rgb, c + 2);
      splatBoth(acc1, weight1, z1, w, fx + shift, zv, r, g, b);
      if (eyes === 2) splatBoth(acc2, weight2, z2, w, fx - shift, zv, r, g, b);
    }
    fillRow(acc1, weight1, z1, w, out1, row * 3);
    if (eyes === 2) fillRow(acc2, weight2, z2, w, out2, row * 3);
  }
}
