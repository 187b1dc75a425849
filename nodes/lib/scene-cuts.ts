/**
 * Hard-cut detection that stays local in time, so any chunk of frames gets the same answer as a whole-video pass.
 *
 * Signature per frame: per-channel cumulative histograms (64 bins) plus a 16x16 luma thumbnail. Consecutive frames
 * differ by the earth mover's distance of the histograms (a brightness shift of a few levels moves mass to the next
 * bin, which a bin-to-bin histogram distance reads as a big change — that is how fades produced false cuts) and by
 * the mean thumbnail change (catches cuts between shots with alike colours). A frame is a cut when its score is high
 * in absolute terms, several times the median score of its neighbourhood (camera pans and fades raise that median),
 * and the highest within `minSceneLength` frames either side.
 */

import { f32, kernels, layout, u8 } from './kernels/wasm.ts';

const CDF_BINS = 64;
const THUMB = 16;
const CDF_LEN = 3 * CDF_BINS;
/** Length of a frame signature: three cumulative histograms, then the luma thumbnail. */
export const SIGNATURE_LENGTH = CDF_LEN + THUMB * THUMB;

export interface SceneCutParams {
  /** 0..1: higher finds more (weaker) cuts. */
  sensitivity: number;
  /** Frames: two cuts are never closer than this. */
  minSceneLength: number;
  /** Frames either side whose median score is the adaptive baseline. */
  window: number;
}

/** Frames either side of a frame whose scores decide it (the baseline window or the suppression span). */
export function cutDecisionRadius(p: SceneCutParams): number {
  return Math.max(p.window, p.minSceneLength - 1);
}

/** Absolute score floor and ratio-to-local-median for a sensitivity. Tuned on bikes-cuts and bbb-60s (cuts score
 * 0.13–0.48, everything else below 0.055 with a local-median ratio up to ~5). */
export function cutThresholds(sensitivity: number): { minScore: number; minRatio: number } {
  const s = Math.min(1, Math.max(0, sensitivity));
  return { minScore: 0.02 + 0.14 * (1 - s), minRatio: 2 + 2 * (1 - s) };
}

/**
 * Signature of an RGB24 frame; large frames are sampled on a grid so 1080p costs about what 200x120 does. `lut`
 * maps each sampled byte first (an HDR source's SDR view, nodes/lib/sdr-view.ts).
 */
export function frameSignature(rgb: Uint8Array, width: number, height: number, out: Float32Array = new Float32Array(SIGNATURE_LENGTH), lut?: Uint8Array): Float32Array {
  // By the WebAssembly kernel (kernels/assembly/scene.ts), on a grid of about 120 samples along the short side:
  // only the sampled rows are copied in.
  const step = Math.max(1, Math.floor(Math.min(width, height) / 120));
  const rowBytes = width * 3;
  const rows = Math.ceil(height / step);
  const [src, plut, sig] = layout(rows * rowBytes, lut ? 256 : 0, SIGNATURE_LENGTH * 4);
  const dst = u8(src, rows * rowBytes);
  for (let r = 0; r < rows; r++) dst.set(rgb.subarray(r * step * rowBytes, (r * step + 1) * rowBytes), r * rowBytes);
  if (lut) u8(plut, 256).set(lut.subarray(0, 256));
  kernels().frameSignature(src, width, height, step, lut ? plut : 0, sig);
  out.set(f32(sig, SIGNATURE_LENGTH));
  return out;
}

/**
 * A frame's contrast from its signature: the mean over the three channels of the range between their 5th and 95th
 * percentiles, 0 (flat) .. 1.
 */
export function signatureSpread(sig: Float32Array): number {
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    let lo = -1;
    let hi = CDF_BINS - 1;
    for (let b = 0; b < CDF_BINS; b++) {
      const v = sig[c * CDF_BINS + b];
      if (lo < 0 && v >= 0.05) lo = b;
      if (v >= 0.95) {
        hi = b;
        break;
      }
    }
    sum += (hi - Math.max(0, lo)) / (CDF_BINS - 1);
  }
  return sum / 3;
}

/**
 * Contrast at and above which a pair's change is taken as it is; below it the change is scaled up in proportion,
 * at most MAX_CONTRAST_GAIN times. The score's absolute floor was tuned on footage of ordinary contrast (bikes-cuts
 * and bbb-60s: 0.4–0.75); the same cuts in a dim, flat picture change fewer levels (bikes-cuts at contrast 0.6 and
 * brightness −0.25, spread 0.2–0.43: three of its five cuts scored 0.076–0.089, under the floor of 0.09).
 */
const FULL_CONTRAST = 0.5;
const MAX_CONTRAST_GAIN = 3;

/**
 * Change between two frames' signatures, 0 (same) .. 1 (black ↔ white), for a pair whose mean contrast is at least
 * FULL_CONTRAST; a flatter pair's change counts up to MAX_CONTRAST_GAIN times more.
 */
export function signatureDistance(a: Float32Array, b: Float32Array): number {
  let emd = 0;
  for (let k = 0; k < CDF_LEN; k++) emd += Math.abs(a[k] - b[k]);
  let thumb = 0;
  for (let k = CDF_LEN; k < SIGNATURE_LENGTH; k++) thumb += Math.abs(a[k] - b[k]);
  const change = (emd / CDF_LEN + (2 * thumb) / (THUMB * THUMB)) / 3;
  const spread = (signatureSpread(a) + signatureSpread(b)) / 2;
  return spread >= FULL_CONTRAST ? change : change * Math.min(MAX_CONTRAST_GAIN, FULL_CONTRAST / Math.max(spread, 1e-6));
}

/**
 * Decides cuts for frames [from, to). `scores[k]` is the distance of frame `first + k` from its predecessor; it must
 * cover [from - R, to + R) clipped to the stream (R = cutDecisionRadius), and frames it does not cover are treated
 * as beyond the stream's ends. Frame 0 always starts a scene.
 */
export function decideCuts(scores: Float32Array, first: number, from: number, to: number, p: SceneCutParams): Uint8Array {
  const flags = new Uint8Array(to - from);
  const { minScore, minRatio } = cutThresholds(p.sensitivity);
  const last = first + scores.length; // exclusive
  const lo = Math.max(first, 1);
  const suppress = Math.max(0, p.minSceneLength - 1);
  const neighbours = new Float32Array(2 * p.window);
  for (let i = from; i < to; i++) {
    if (i === 0) {
      flags[0] = 1;
      continue;
    }
    const s = scores[i - first];
    if (!(s >= minScore)) continue;
    let n = 0;
    for (let j = Math.max(lo, i - p.window); j < Math.min(last, i + p.window + 1); j++) if (j !== i) neighbours[n++] = scores[j - first];
    if (n > 0) {
      const sorted = neighbours.subarray(0, n).sort();
      // Even counts take the upper middle: a window half-full of a neighbouring cut's frames must not pass.
      const median = sorted[n >> 1];
      if (s < minRatio * Math.max(median, 0.005)) continue;
    }
    let isPeak = true;
    for (let j = Math.max(lo, i - suppress); j < Math.min(last, i + suppress + 1) && isPeak; j++) {
      const o = scores[j - first];
      if (o > s || (o === s && j < i)) isPeak = false;
    }
    if (isPeak) flags[i - from] = 1;
  }
  return flags;
}
