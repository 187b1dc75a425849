/**
 * Scale-and-shift alignment between depth frames: a monocular model's output jitters in scale and offset from frame
 * to frame (and per-frame percentile normalisation pumps when the nearest object moves or the picture fades), so
 * each frame is mapped onto its neighbours by the affine map that fits them best on pixels that truly correspond.
 */
import type { Flow } from './optical-flow.ts';
import type { MotionGrid } from './trajectory-filter.ts';

/** d ↦ scale·d + shift. */
export interface Affine {
  scale: number;
  shift: number;
}

export const IDENTITY: Affine = { scale: 1, shift: 0 };

/** Fewer corresponding pixels than this share of the frame: no fit (identity). */
const MIN_SHARE = 0.02;
/** Residuals beyond this many mean absolute residuals are outliers (moving objects the flow missed). */
const OUTLIER_FACTOR = 2.5;
/** Scales outside this range are not jitter but a failed fit (a black frame, a fade's first light). */
const MAX_SCALE_CHANGE = 2;

function fit(x: Float32Array, y: Float32Array, use: Uint8Array): Affine | undefined {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (use[i] === 0) continue;
    const a = x[i];
    const b = y[i];
    n++;
    sx += a;
    sy += b;
    sxx += a * a;
    sxy += a * b;
  }
  if (n < MIN_SHARE * x.length) return undefined;
  const vx = sxx - (sx * sx) / n;
  if (!(vx > 1e-9 * n)) return undefined;
  const scale = (sxy - (sx * sy) / n) / vx;
  return { scale, shift: (sy - scale * sx) / n };
}

/**
 * Robust least-squares affine map of `x` onto `y` over pixels with `mask[i]` = 1: a fit, then a refit without the
 * residual outliers. Identity when too few pixels qualify or the scale is implausible.
 */
export function fitAffineRobust(x: Float32Array, y: Float32Array, mask: Uint8Array): Affine {
  const first = fit(x, y, mask);
  if (!first) return IDENTITY;
  let mean = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (mask[i] === 0) continue;
    mean += Math.abs(first.scale * x[i] + first.shift - y[i]);
    n++;
  }
  const limit = (OUTLIER_FACTOR * mean) / n;
  const inliers = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) inliers[i] = mask[i] === 1 && Math.abs(first.scale * x[i] + first.shift - y[i]) <= limit ? 1 : 0;
  const second = fit(x, y, inliers) ?? first;
  if (!(second.scale > 1 / MAX_SCALE_CHANGE && second.scale < MAX_SCALE_CHANGE)) return IDENTITY;
  return second;
}

/** f ∘ g: apply g, then f. */
export function compose(f: Affine, g: Affine): Affine {
  return { scale: f.scale * g.scale, shift: f.scale * g.shift + f.shift };
}

export function invert(f: Affine): Affine {
  return { scale: 1 / f.scale, shift: -f.shift / f.scale };
}

/**
 * fitToPrevious's samples: (cur, prev along the flow) pairs into xs and ys, one per 4x4 block whose mismatch passes;
 * returns how many. A function of its own so the loop's compiled code ends where the loop does (compiled on the stack
 * inside fitToPrevious, it left at the fit after it on every call: 70–90 deopts a 640x272 render).
 */
function gatherSamples(
  cur: Float32Array,
  prev: Float32Array,
  w: number,
  h: number,
  flow: Flow | undefined,
  grid: MotionGrid | undefined,
  mismatch: Float32Array | undefined,
  still: Float32Array | undefined,
  maxMismatch: number,
  xs: Float32Array,
  ys: Float32Array,
): number {
  let count = 0;
  const sx = grid?.sx ?? 1;
  const sy = grid?.sy ?? 1;
  for (let y = 1; y < h; y += 4) {
    for (let x = 1; x < w; x += 4) {
      const i = y * w + x;
      const mi = grid ? grid.index[i] : i;
      const m = mismatch ? mismatch[mi] : 0;
      // In place where nothing changed colour (the flow of a dark or flat picture is noise), else along the flow.
      const inPlace = !flow || (still !== undefined && still[mi] < m);
      if ((inPlace && still ? still[mi] : m) > maxMismatch) continue;
      let px = inPlace ? x : x + flow.u[mi] * sx;
      let py = inPlace ? y : y + flow.v[mi] * sy;
      px = px < 0 ? 0 : px > w - 1 ? w - 1 : px;
      py = py < 0 ? 0 : py > h - 1 ? h - 1 : py;
      const x0 = px | 0;
      const y0 = py | 0;
      const x1 = x0 < w - 1 ? x0 + 1 : x0;
      const y1 = y0 < h - 1 ? y0 + 1 : y0;
      const fx = px - x0;
      const fy = py - y0;
      const top = prev[y0 * w + x0] + fx * (prev[y0 * w + x1] - prev[y0 * w + x0]);
      const bottom = prev[y1 * w + x0] + fx * (prev[y1 * w + x1] - prev[y1 * w + x0]);
      xs[count] = cur[i];
      ys[count] = top + fy * (bottom - top);
      count++;
    }
  }
  return count;
}

/**
 * The affine map that best carries `cur` onto `prev` warped along `flow` (cur's pixels → prev's, read on `grid`),
 * fitted on a 1-in-16 grid of pixels whose `mismatch` (on the grid too) is at most `maxMismatch`: two numbers need
 * no more. Where `still` (the colour change in place) matches better, the pixel is compared in place. Without
 * flow, pixels are compared in place and `mismatch` is per pixel (or absent: all pixels).
 */
export function fitToPrevious(
  cur: Float32Array,
  prev: Float32Array,
  w: number,
  h: number,
  flow: Flow | undefined,
  grid: MotionGrid | undefined,
  mismatch: Float32Array | undefined,
  still: Float32Array | undefined,
  maxMismatch: number,
): Affine {
  // At most one sample per 4x4 block: typed arrays of that size, filled up to `count`.
  const cap = (((h - 1 + 3) >> 2) * ((w - 1 + 3) >> 2)) | 0;
  const xs = new Float32Array(cap);
  const ys = new Float32Array(cap);
  const count = gatherSamples(cur, prev, w, h, flow, grid, mismatch, still, maxMismatch, xs, ys);
  // Every block is visited once: `cap` samples were looked at.
  if (count < MIN_SHARE * cap) return IDENTITY;
  return fitAffineRobust(xs.subarray(0, count), ys.subarray(0, count), new Uint8Array(count).fill(1));
}
