/** Mean over a (2r+1)^2 box in O(pixels) whatever r is: running sums along rows, then a running row sum down columns. */

/** Box mean of `src` (w x h) with radius `r`; the box is clipped at the borders and divided by what lies inside. */
export function boxMean(src: Float32Array, w: number, h: number, r: number, out: Float32Array = new Float32Array(w * h)): Float32Array {
  const horiz = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let x = 0; x <= Math.min(r, w - 1); x++) acc += src[row + x];
    for (let x = 0; x < w; x++) {
      const count = Math.min(x + r, w - 1) - Math.max(x - r, 0) + 1;
      horiz[row + x] = acc / count;
      if (x + r + 1 < w) acc += src[row + x + r + 1];
      if (x - r >= 0) acc -= src[row + x - r];
    }
  }
  // Float64 column sums: float32 running sums drift visibly over a 1080-row sweep.
  const acc = new Float64Array(w);
  for (let y = 0; y <= Math.min(r, h - 1); y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) acc[x] += horiz[row + x];
  }
  for (let y = 0; y < h; y++) {
    const inv = 1 / (Math.min(y + r, h - 1) - Math.max(y - r, 0) + 1);
    const row = y * w;
    for (let x = 0; x < w; x++) out[row + x] = acc[x] * inv;
    if (y + r + 1 < h) {
      const add = (y + r + 1) * w;
      for (let x = 0; x < w; x++) acc[x] += horiz[add + x];
    }
    if (y - r >= 0) {
      const sub = (y - r) * w;
      for (let x = 0; x < w; x++) acc[x] -= horiz[sub + x];
    }
  }
  return out;
}
