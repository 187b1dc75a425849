/**
 * Grows near regions (larger disparity) outward, so object borders carry the object's depth and the stereo warp
 * moves them with the object instead of leaving a fringe on the background. A square max filter, separable, using
 * van Herk / Gil-Werman block maxima: O(pixels) whatever the size.
 */
import { sharedFloats } from './shared-frames.ts';
import { f32, kernels, layout } from './kernels/wasm.ts';

/**
 * Sliding max of width k over `src` (n values, -Infinity beyond the ends, window centred): writes n values to
 * `out` at stride `outStride`. `g`/`s` are prefix/suffix maxima within blocks of k over the padded line.
 */
function slidingMax(src: Float32Array, srcOff: number, srcStride: number, n: number, r: number, g: Float32Array, s: Float32Array, out: Float32Array, outOff: number, outStride: number): void {
  const k = 2 * r + 1;
  const len = n + 2 * r;
  for (let b0 = 0; b0 < len; b0 += k) {
    const e = Math.min(b0 + k, len);
    let m = -Infinity;
    for (let i = b0; i < e; i++) {
      const j = i - r;
      const v = j >= 0 && j < n ? src[srcOff + j * srcStride] : -Infinity;
      m = v > m ? v : m;
      g[i] = m;
    }
    m = -Infinity;
    for (let i = e - 1; i >= b0; i--) {
      const j = i - r;
      const v = j >= 0 && j < n ? src[srcOff + j * srcStride] : -Infinity;
      m = v > m ? v : m;
      s[i] = m;
    }
  }
  // Window [x, x + k - 1] of the padded line spans at most two blocks: max(suffix of the first, prefix of the second).
  for (let x = 0; x < n; x++) {
    const a = s[x];
    const b = g[x + k - 1];
    out[outOff + x * outStride] = a > b ? a : b;
  }
}

/** Max filter of radius `px` (a (2px+1)^2 square); returns a new array (a copy when px is 0). */
export function dilateForeground(depth: Float32Array, w: number, h: number, px: number): Float32Array {
  const r = Math.max(0, Math.floor(px));
  if (r === 0) return Float32Array.from(depth);
  const out = sharedFloats(w * h);
  if (r === 1) return dilate3x3(depth, w, h, out);
  const rows = new Float32Array(w * h);
  const len = Math.max(w, h) + 2 * r;
  const g = new Float32Array(len);
  const s = new Float32Array(len);
  if (r > SMALL_RADIUS) {
    for (let y = 0; y < h; y++) slidingMax(depth, y * w, 1, w, r, g, s, rows, y * w, 1);
    for (let x = 0; x < w; x++) slidingMax(rows, x, w, h, r, g, s, out, x, w);
    return out;
  }
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) {
      let m = depth[o + x];
      const lo = x - r < 0 ? 0 : x - r;
      const hi = x + r >= w ? w - 1 : x + r;
      for (let j = lo; j <= hi; j++) if (depth[o + j] > m) m = depth[o + j];
      rows[o + x] = m;
    }
  }
  // Small radii (the usual 1-4 px): a direct max over whole rows keeps memory access sequential, which beats
  // block maxima walking down columns.
  for (let y = 0; y < h; y++) {
    const o = y * w;
    out.set(rows.subarray(o, o + w), o);
    for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
      if (yy === y) continue;
      const q = yy * w;
      for (let x = 0; x < w; x++) {
        const v = rows[q + x];
        if (v > out[o + x]) out[o + x] = v;
      }
    }
  }
  return out;
}

const SMALL_RADIUS = 4;

/**
 * The default radius, 1 (a 3x3 max), as three-value maxima along each row and then down each column, by the
 * WebAssembly kernel (kernels/assembly/dilate.ts, four pixels at a time): the same values as the general
 * small-radius path, ties, signed zeros and NaN included.
 */
function dilate3x3(depth: Float32Array, w: number, h: number, out: Float32Array): Float32Array {
  const n = w * h;
  const [src, rows, dst] = layout(n * 4, n * 4, n * 4);
  f32(src, n).set(depth.subarray(0, n));
  kernels().dilate3x3(src, w, h, rows, dst);
  out.set(f32(dst, n));
  return out;
}
