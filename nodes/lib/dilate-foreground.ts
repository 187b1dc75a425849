/**
 * Grows near regions (larger disparity) outward, so object borders carry the object's depth and the stereo warp
 * moves them with the object instead of leaving a fringe on the background. A square max filter, separable, using
 * van Herk / Gil-Werman block maxima: O(pixels) whatever the size.
 */

/** Max filter of radius `px` (a (2px+1)^2 square); returns a new array (a copy when px is 0). */
export function dilateForeground(depth: Float32Array, w: number, h: number, px: number): Float32Array {
  const r = Math.max(0, Math.floor(px));
  const out = Float32Array.from(depth);
  if (r === 0) return out;
  const k = 2 * r + 1;

  // Rows: pad with -Infinity, prefix max g and suffix max s per block of k; window [i, i+k-1] = max(s[i], g[i+k-1]).
  const len = w + 2 * r;
  const padded = new Float32Array(len);
  const g = new Float32Array(len);
  const s = new Float32Array(len);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    padded.fill(-Infinity);
    padded.set(depth.subarray(row, row + w), r);
    for (let i = 0; i < len; i++) g[i] = i % k === 0 ? padded[i] : Math.max(g[i - 1], padded[i]);
    for (let i = len - 1; i >= 0; i--) s[i] = i % k === k - 1 || i === len - 1 ? padded[i] : Math.max(s[i + 1], padded[i]);
    for (let x = 0; x < w; x++) out[row + x] = Math.max(s[x], g[x + k - 1]);
  }

  // Columns: the same on whole rows at once, which keeps memory access sequential.
  const src = Float32Array.from(out);
  const gRows = new Float32Array(w * (h + 2 * r));
  const sRows = new Float32Array(w * (h + 2 * r));
  const H = h + 2 * r;
  for (let i = 0; i < H; i++) {
    const y = i - r;
    const o = i * w;
    for (let x = 0; x < w; x++) {
      const v = y >= 0 && y < h ? src[y * w + x] : -Infinity;
      gRows[o + x] = i % k === 0 ? v : Math.max(gRows[o - w + x], v);
    }
  }
  for (let i = H - 1; i >= 0; i--) {
    const y = i - r;
    const o = i * w;
    const startsBlock = i % k === k - 1 || i === H - 1;
    for (let x = 0; x < w; x++) {
      const v = y >= 0 && y < h ? src[y * w + x] : -Infinity;
      sRows[o + x] = startsBlock ? v : Math.max(sRows[o + w + x], v);
    }
  }
  for (let y = 0; y < h; y++) {
    const a = y * w;
    const b = (y + k - 1) * w;
    for (let x = 0; x < w; x++) out[y * w + x] = Math.max(sRows[a + x], gRows[b + x]);
  }
  return out;
}
