/** Mean over a (2r+1)^2 box in O(pixels) whatever r is: running sums along rows, then a running row sum down columns. */

let scratch = new Float32Array(0);

/** 1 / (number of samples the clipped box holds) at each position along an axis of length n. */
function inverseCounts(n: number, r: number): Float32Array {
  const inv = new Float32Array(n);
  for (let i = 0; i < n; i++) inv[i] = 1 / (Math.min(i + r, n - 1) - Math.max(i - r, 0) + 1);
  return inv;
}

/** Box mean of `src` (w x h) with radius `r`; the box is clipped at the borders and divided by what lies inside. */
export function boxMean(src: Float32Array, w: number, h: number, r: number, out: Float32Array = new Float32Array(w * h)): Float32Array {
  if (scratch.length < w * h) scratch = new Float32Array(w * h);
  const horiz = scratch;
  const invX = inverseCounts(w, r);
  const lead = Math.min(r, w - 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let x = 0; x <= lead; x++) acc += src[row + x];
    // Three spans so the interior loop carries no bounds tests: [0, r) grows, the middle slides, the tail shrinks.
    const grow = Math.min(r, w);
    let x = 0;
    for (; x < grow && x + r + 1 < w; x++) {
      horiz[row + x] = acc * invX[x];
      acc += src[row + x + r + 1];
    }
    for (; x + r + 1 < w; x++) {
      horiz[row + x] = acc * invX[x];
      acc += src[row + x + r + 1] - src[row + x - r];
    }
    for (; x < w; x++) {
      horiz[row + x] = acc * invX[x];
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
