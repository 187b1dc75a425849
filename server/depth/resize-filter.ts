/**
 * Separable bilinear (triangle) filter weights for one axis, antialiased when shrinking: the filter widens by
 * the scale factor, as PIL's BILINEAR does (the library the reference preprocessors use), so a 1920-wide frame
 * shrunk to 518 averages every source pixel instead of sampling a few and aliasing. When enlarging it is plain
 * bilinear interpolation with pixel centres at +0.5 (align_corners = false) and clamped edges.
 */
export interface AxisFilter {
  /** First source index of each output index's taps. */
  start: Int32Array;
  /** Number of taps of each output index. */
  count: Int32Array;
  /** Weights, `taps` per output index (normalised to sum 1). */
  weights: Float32Array;
  taps: number;
}

const cache = new Map<string, AxisFilter>();

/** Weights mapping `inSize` samples onto `outSize`; memoised, since every frame of a stream uses the same pair. */
export function axisFilter(inSize: number, outSize: number): AxisFilter {
  const key = `${inSize}>${outSize}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const scale = inSize / outSize;
  const stretch = Math.max(scale, 1);
  const support = stretch;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(centre - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(centre + support + 0.5));
    let sum = 0;
    let n = 0;
    for (let j = lo; j < hi && n < taps; j++, n++) {
      const w = Math.max(0, 1 - Math.abs((j - centre + 0.5) / stretch));
      weights[i * taps + n] = w;
      sum += w;
    }
    if (sum > 0) for (let k = 0; k < n; k++) weights[i * taps + k] /= sum;
    start[i] = lo;
    count[i] = n;
  }
  const f = { start, count, weights, taps };
  if (cache.size > 64) cache.clear();
  cache.set(key, f);
  return f;
}
