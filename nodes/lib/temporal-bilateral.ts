/**
 * Temporal bilateral filter for depth: each pixel becomes a weighted mean of the same pixel in neighbouring frames
 * of its scene. Weights fall with time distance, with the difference in normalised depth (so a moving edge is not
 * averaged with what was there before) and, when colour is given, with the colour change at that pixel (so a
 * moving object of similar depth is not blended either).
 */
import type { DepthRange } from './depth-stats.ts';

export interface TemporalBilateralParams {
  /** Frames either side. */
  radius: number;
  /** Normalised-depth difference at which a neighbour's weight falls to e^-1/2. */
  depthSigma: number;
  /** Mean per-channel colour difference (0..255) at which the weight falls to e^-1/2; 0 turns colour off. */
  colourSigma: number;
  /** 0 = input unchanged, 1 = fully filtered. */
  strength: number;
}

const RANGE_LUT = 512;
/** Differences beyond this many sigmas weigh nothing (e^-8). */
const RANGE_CUTOFF = 4;

/**
 * Filters frame `index`. `depth[k]` is the raw depth of frame `depthStart + k`; neighbours [first, last] must all
 * lie in index's scene. Every frame is normalised by `range` (index's range) so neighbours compare in one scale.
 * `colour[k]`, when given, is the RGB24 of the same frame sampled at depth resolution. Writes the normalised,
 * filtered frame clamped to [0, 1] into `out`.
 */
export function temporalBilateral(
  depth: readonly Float32Array[],
  depthStart: number,
  index: number,
  first: number,
  last: number,
  range: DepthRange,
  colour: readonly Uint8Array[] | undefined,
  p: TemporalBilateralParams,
  out: Float32Array,
): Float32Array {
  const n = out.length;
  const lo = range.lo;
  const inv = 1 / (range.hi - range.lo);
  const centre = depth[index - depthStart];
  const norm = new Float32Array(n);
  for (let x = 0; x < n; x++) norm[x] = (centre[x] - lo) * inv;

  const rangeLut = new Float32Array(RANGE_LUT + 1);
  const sigmaD = Math.max(p.depthSigma, 1e-4);
  const lutScale = RANGE_LUT / (RANGE_CUTOFF * sigmaD);
  for (let k = 0; k < RANGE_LUT; k++) {
    const d = (k + 0.5) / lutScale;
    rangeLut[k] = Math.exp((-d * d) / (2 * sigmaD * sigmaD));
  }
  const useColour = colour !== undefined && p.colourSigma > 0;
  const colourLut = new Float32Array(766);
  if (useColour) {
    for (let k = 0; k < 766; k++) {
      const d = k / 3;
      colourLut[k] = Math.exp((-d * d) / (2 * p.colourSigma * p.colourSigma));
    }
  }

  // The centre frame weighs 1 in every pixel, so sums start from it.
  const sum = Float32Array.from(norm);
  const wsum = new Float32Array(n).fill(1);
  const sigmaT = Math.max(p.radius / 2, 0.5);
  const ci = useColour ? colour![index - depthStart] : undefined;
  for (let j = first; j <= last; j++) {
    if (j === index) continue;
    const dt = j - index;
    const wt = Math.exp((-dt * dt) / (2 * sigmaT * sigmaT));
    const dj = depth[j - depthStart];
    if (useColour) {
      const cj = colour![j - depthStart];
      for (let x = 0, c = 0; x < n; x++, c += 3) {
        const v = (dj[x] - lo) * inv;
        const k = (Math.abs(v - norm[x]) * lutScale) | 0;
        if (k >= RANGE_LUT) continue;
        const dc = Math.abs(cj[c] - ci![c]) + Math.abs(cj[c + 1] - ci![c + 1]) + Math.abs(cj[c + 2] - ci![c + 2]);
        const w = wt * rangeLut[k] * colourLut[dc];
        sum[x] += w * v;
        wsum[x] += w;
      }
    } else {
      for (let x = 0; x < n; x++) {
        const v = (dj[x] - lo) * inv;
        const k = (Math.abs(v - norm[x]) * lutScale) | 0;
        if (k >= RANGE_LUT) continue;
        const w = wt * rangeLut[k];
        sum[x] += w * v;
        wsum[x] += w;
      }
    }
  }
  const s = Math.min(1, Math.max(0, p.strength));
  for (let x = 0; x < n; x++) {
    const v = norm[x] + s * (sum[x] / wsum[x] - norm[x]);
    out[x] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}
