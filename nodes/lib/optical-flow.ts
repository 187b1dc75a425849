/**
 * Dense optical flow on typed arrays: coarse-to-fine Lucas–Kanade with the structure tensor taken from the reference
 * image (inverse search, as DIS does), so each refinement only warps, differences and box-filters two images.
 * Textureless areas inherit the coarser level's flow through the Tikhonov term instead of going to zero.
 */
import { boxMean } from './box-mean.ts';

/** Flow from a reference image to a target: pixel (x, y) of the reference lies at (x + u, y + v) in the target. */
export interface Flow {
  u: Float32Array;
  v: Float32Array;
}

export interface FlowOptions {
  /** Refinements at each pyramid level. */
  iterations: number;
  /** Box radius of the Lucas–Kanade window, in pixels of each level. */
  radius: number;
  /**
   * Finest pyramid level solved (0 = full size); finer sizes get the flow upsampled. 1 halves the cost with a flow
   * still far sharper than the depth models' own detail.
   */
  finestLevel: number;
}

export const DEFAULT_FLOW_OPTIONS: FlowOptions = { iterations: 3, radius: 3, finestLevel: 0 };

/** Smallest side a pyramid level may have. */
const MIN_LEVEL_SIDE = 12;
/** Tikhonov weight against the squared gradient sums (grey levels 0..255). */
const REGULARISER = 4;
/** A refinement moves at most this many pixels, so an ill-conditioned window cannot throw the flow away. */
const MAX_STEP = 2;

interface Level {
  w: number;
  h: number;
  data: Float32Array;
}

/** Luma (0..255) of RGB24, BT.601 weights. */
export function lumaFromRgb(rgb: Uint8Array, n: number, out: Float32Array = new Float32Array(n)): Float32Array {
  for (let i = 0, c = 0; i < n; i++, c += 3) out[i] = 0.299 * rgb[c] + 0.587 * rgb[c + 1] + 0.114 * rgb[c + 2];
  return out;
}

/** The next pyramid level: a separable [1 4 6 4 1]/16 blur, then every other pixel (a 2x2 mean aliases fine texture). */
function halve(src: Level): Level {
  const { w: sw, h: sh, data: s } = src;
  const w = sw >> 1;
  const h = sh >> 1;
  const rows = new Float32Array(w * sh);
  for (let y = 0; y < sh; y++) {
    const r = y * sw;
    for (let x = 0; x < w; x++) {
      const c = 2 * x;
      const l2 = c >= 2 ? c - 2 : 0;
      const l1 = c >= 1 ? c - 1 : 0;
      const r1 = c + 1 < sw ? c + 1 : sw - 1;
      const r2 = c + 2 < sw ? c + 2 : sw - 1;
      rows[y * w + x] = 0.0625 * (s[r + l2] + s[r + r2]) + 0.25 * (s[r + l1] + s[r + r1]) + 0.375 * s[r + c];
    }
  }
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const c = 2 * y;
    const u2 = (c >= 2 ? c - 2 : 0) * w;
    const u1 = (c >= 1 ? c - 1 : 0) * w;
    const d1 = (c + 1 < sh ? c + 1 : sh - 1) * w;
    const d2 = (c + 2 < sh ? c + 2 : sh - 1) * w;
    const m = c * w;
    for (let x = 0; x < w; x++) {
      data[y * w + x] = 0.0625 * (rows[u2 + x] + rows[d2 + x]) + 0.25 * (rows[u1 + x] + rows[d1 + x]) + 0.375 * rows[m + x];
    }
  }
  return { w, h, data };
}

function pyramid(img: Float32Array, w: number, h: number): Level[] {
  const levels: Level[] = [{ w, h, data: img }];
  while (Math.min(levels[levels.length - 1].w, levels[levels.length - 1].h) >= 2 * MIN_LEVEL_SIDE) levels.push(halve(levels[levels.length - 1]));
  return levels;
}

/** Bilinear sample of `src` at (x + u, y + v) for every pixel, coordinates clamped to the image. */
export function warpBilinear(src: Float32Array, w: number, h: number, u: Float32Array, v: Float32Array, out: Float32Array = new Float32Array(w * h)): Float32Array {
  const xMax = w - 1;
  const yMax = h - 1;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      let sx = x + u[i];
      let sy = y + v[i];
      // Math.max/min: a conditional joining sx with xMax could box sx on the heap for every pixel (see
      // guided-upsample.ts). The same coordinates, -0 read as 0.
      sx = Math.max(0, Math.min(xMax, sx));
      sy = Math.max(0, Math.min(yMax, sy));
      const x0 = sx | 0;
      const y0 = sy | 0;
      const fx = sx - x0;
      const fy = sy - y0;
      const x1 = x0 < xMax ? x0 + 1 : x0;
      const r0 = y0 * w;
      const r1 = (y0 < yMax ? y0 + 1 : y0) * w;
      const a = src[r0 + x0] + fx * (src[r0 + x1] - src[r0 + x0]);
      const b = src[r1 + x0] + fx * (src[r1 + x1] - src[r1 + x0]);
      out[i] = a + fy * (b - a);
    }
  }
  return out;
}

/** Flow of a coarser level resampled (bilinear) to w x h, vectors scaled by the size ratio. */
export function resizeFlow(f: Flow, fw: number, fh: number, w: number, h: number): Flow {
  const u = new Float32Array(w * h);
  const v = new Float32Array(w * h);
  const sx = fw / w;
  const sy = fh / h;
  for (let y = 0, i = 0; y < h; y++) {
    let yy = (y + 0.5) * sy - 0.5;
    yy = yy < 0 ? 0 : yy > fh - 1 ? fh - 1 : yy;
    const y0 = yy | 0;
    const ty = yy - y0;
    const y1 = y0 < fh - 1 ? y0 + 1 : y0;
    for (let x = 0; x < w; x++, i++) {
      let xx = (x + 0.5) * sx - 0.5;
      xx = xx < 0 ? 0 : xx > fw - 1 ? fw - 1 : xx;
      const x0 = xx | 0;
      const tx = xx - x0;
      const x1 = x0 < fw - 1 ? x0 + 1 : x0;
      const a = y0 * fw;
      const b = y1 * fw;
      const uu = (1 - ty) * ((1 - tx) * f.u[a + x0] + tx * f.u[a + x1]) + ty * ((1 - tx) * f.u[b + x0] + tx * f.u[b + x1]);
      const vv = (1 - ty) * ((1 - tx) * f.v[a + x0] + tx * f.v[a + x1]) + ty * ((1 - tx) * f.v[b + x0] + tx * f.v[b + x1]);
      u[i] = uu / sx;
      v[i] = vv / sy;
    }
  }
  return { u, v };
}

/** Central-difference gradients with one-sided differences at the borders. */
function gradients(img: Float32Array, w: number, h: number, gx: Float32Array, gy: Float32Array): void {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const up = (y > 0 ? y - 1 : y) * w;
    const down = (y < h - 1 ? y + 1 : y) * w;
    const sy = y > 0 && y < h - 1 ? 0.5 : 1;
    for (let x = 0; x < w; x++) {
      const l = x > 0 ? x - 1 : x;
      const r = x < w - 1 ? x + 1 : x;
      gx[row + x] = (img[row + r] - img[row + l]) * (x > 0 && x < w - 1 ? 0.5 : 1);
      gy[row + x] = (img[down + x] - img[up + x]) * sy;
    }
  }
}

/** Refines `flow` (in place) at one level. */
function refineLevel(ref: Level, target: Level, flow: Flow, o: FlowOptions): void {
  const { w, h } = ref;
  const n = w * h;
  const gx = new Float32Array(n);
  const gy = new Float32Array(n);
  gradients(ref.data, w, h, gx, gy);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) t[i] = gx[i] * gx[i];
  const sxx = boxMean(t, w, h, o.radius);
  for (let i = 0; i < n; i++) t[i] = gx[i] * gy[i];
  const sxy = boxMean(t, w, h, o.radius);
  for (let i = 0; i < n; i++) t[i] = gy[i] * gy[i];
  const syy = boxMean(t, w, h, o.radius);
  // The inverse of the regularised tensor is fixed for the level: only the mismatch changes between refinements.
  for (let i = 0; i < n; i++) {
    const a = sxx[i] + REGULARISER;
    const c = syy[i] + REGULARISER;
    const b = sxy[i];
    const inv = 1 / (a * c - b * b);
    sxx[i] = c * inv;
    syy[i] = a * inv;
    sxy[i] = -b * inv;
  }
  const warped = new Float32Array(n);
  const bx = new Float32Array(n);
  const by = new Float32Array(n);
  for (let it = 0; it < o.iterations; it++) {
    warpBilinear(target.data, w, h, flow.u, flow.v, warped);
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        // Where the flow leaves the image the clamped sample is no evidence; counting it would pull the whole
        // window (and, refinement after refinement, its neighbours) toward the border.
        const tx = x + flow.u[i];
        const ty = y + flow.v[i];
        const d = tx < 0 || ty < 0 || tx > w - 1 || ty > h - 1 ? 0 : warped[i] - ref.data[i];
        t[i] = gx[i] * d;
        warped[i] = gy[i] * d;
      }
    }
    boxMean(t, w, h, o.radius, bx);
    boxMean(warped, w, h, o.radius, by);
    for (let i = 0; i < n; i++) {
      let du = -(sxx[i] * bx[i] + sxy[i] * by[i]);
      let dv = -(sxy[i] * bx[i] + syy[i] * by[i]);
      du = du > MAX_STEP ? MAX_STEP : du < -MAX_STEP ? -MAX_STEP : du;
      dv = dv > MAX_STEP ? MAX_STEP : dv < -MAX_STEP ? -MAX_STEP : dv;
      flow.u[i] += du;
      flow.v[i] += dv;
    }
  }
}

/** Dense flow from `ref` to `target` (grey images w x h of one scale, e.g. lumaFromRgb). */
export function denseFlow(ref: Float32Array, target: Float32Array, w: number, h: number, o: FlowOptions = DEFAULT_FLOW_OPTIONS): Flow {
  const a = pyramid(ref, w, h);
  const b = pyramid(target, w, h);
  const finest = Math.min(Math.max(0, o.finestLevel), a.length - 1);
  let flow: Flow | undefined;
  let fw = 0;
  let fh = 0;
  for (let l = a.length - 1; l >= finest; l--) {
    const { w: lw, h: lh } = a[l];
    flow = flow ? resizeFlow(flow, fw, fh, lw, lh) : { u: new Float32Array(lw * lh), v: new Float32Array(lw * lh) };
    refineLevel(a[l], b[l], flow, o);
    fw = lw;
    fh = lh;
  }
  return fw === w && fh === h ? flow! : resizeFlow(flow!, fw, fh, w, h);
}

/**
 * Marks where the flow `f` (A→B) is confirmed by `g` (B→A): following f then g comes back within
 * 0.01 (|f|²+|g|²) + `slack` px² (Sundaram et al., ECCV 2010: slack 0.5), and f does not leave the image.
 * 1 = consistent.
 */
export function consistentFlow(f: Flow, g: Flow, w: number, h: number, out: Uint8Array = new Uint8Array(w * h), slack = 0.5): Uint8Array {
  const gu = warpBilinear(g.u, w, h, f.u, f.v);
  const gv = warpBilinear(g.v, w, h, f.u, f.v);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const tx = x + f.u[i];
      const ty = y + f.v[i];
      if (tx < 0 || ty < 0 || tx > w - 1 || ty > h - 1) {
        out[i] = 0;
        continue;
      }
      const su = f.u[i] + gu[i];
      const sv = f.v[i] + gv[i];
      const mag = f.u[i] * f.u[i] + f.v[i] * f.v[i] + gu[i] * gu[i] + gv[i] * gv[i];
      out[i] = su * su + sv * sv < 0.01 * mag + slack ? 1 : 0;
    }
  }
  return out;
}
