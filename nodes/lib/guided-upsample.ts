/**
 * Edge-aware depth upsampling with the guided filter (He, Sun & Tang, 2010/2013), in its fast form: the linear
 * coefficients a, b are fitted at a reduced resolution and applied to the full-resolution luminance, so depth edges
 * land on the frame's edges while the cost stays O(pixels) at whatever radius.
 */
import { boxMean } from './box-mean.ts';
import { bilinearAxis, resizeBilinear } from './bilinear-resize.ts';
import { valueRange } from './depth-stats.ts';
import { sharedFloats } from './shared-frames.ts';

export interface GuidedUpsampleParams {
  /** Box radius in output (frame) pixels. */
  radius: number;
  /** Regulariser: luminance variance (0..1 scale) below which a window is treated as flat and depth is smoothed. */
  epsilon: number;
  /** Fit resolution divisor; 0 picks about the depth map's own pixel count (at most 4). */
  subsample?: number;
}

/** Rec. 601 luma of an RGB24 frame in 0..1; `lut` maps each byte first (an HDR source's SDR view, sdr-view.ts). */
export function luminance(rgb: Uint8Array, w: number, h: number, out: Float32Array = new Float32Array(w * h), lut?: Uint8Array): Float32Array {
  if (lut) {
    for (let i = 0, c = 0; i < w * h; i++, c += 3) out[i] = (lut[rgb[c]] * 0.299 + lut[rgb[c + 1]] * 0.587 + lut[rgb[c + 2]] * 0.114) / 255;
    return out;
  }
  for (let i = 0, c = 0; i < w * h; i++, c += 3) out[i] = (rgb[c] * 0.299 + rgb[c + 1] * 0.587 + rgb[c + 2] * 0.114) / 255;
  return out;
}

/** Guided filter of `p` by guide `I` (both w x h): q = mean(a) * I + mean(b). */
export function guidedFilter(I: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): Float32Array {
  const { a, b } = guidedCoefficients(I, p, w, h, r, eps);
  const q = new Float32Array(w * h);
  for (let i = 0; i < q.length; i++) q[i] = a[i] * I[i] + b[i];
  return q;
}

/** The box-averaged linear coefficients of the guided filter. */
function guidedCoefficients(I: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): { a: Float32Array; b: Float32Array } {
  const n = w * h;
  const II = new Float32Array(n);
  const Ip = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    II[i] = I[i] * I[i];
    Ip[i] = I[i] * p[i];
  }
  const meanI = boxMean(I, w, h, r);
  const meanP = boxMean(p, w, h, r);
  const corrII = boxMean(II, w, h, r, II);
  const corrIp = boxMean(Ip, w, h, r, Ip);
  const a = corrII; // reuse buffers: each value is read before it is overwritten
  const b = corrIp;
  for (let i = 0; i < n; i++) {
    const varI = corrII[i] - meanI[i] * meanI[i];
    const cov = corrIp[i] - meanI[i] * meanP[i];
    const ai = cov / (varI + eps);
    a[i] = ai;
    b[i] = meanP[i] - ai * meanI[i];
  }
  return { a: boxMean(a, w, h, r, meanI), b: boxMean(b, w, h, r, meanP) };
}

/**
 * Upsamples depth (dw x dh) to the frame's size (w x h), snapping depth edges to the frame's luminance edges. The
 * result is clamped to the input's value range (the filter's linear model can overshoot at strong edges).
 */
export function guidedUpsample(
  depth: Float32Array,
  dw: number,
  dh: number,
  rgb: Uint8Array,
  w: number,
  h: number,
  p: GuidedUpsampleParams,
  lut?: Uint8Array,
): Float32Array {
  const I = luminance(rgb, w, h, new Float32Array(w * h), lut);
  // Fitted at about the depth map's own pixel count: finer adds nothing the depth holds. (The smaller axis ratio
  // chose full size for a square 224x224 model input under a 640x272 frame, twice the cost of half size.)
  const auto = Math.max(1, Math.min(4, Math.round(Math.sqrt((w * h) / (dw * dh)))));
  const s = p.subsample && p.subsample >= 1 ? Math.floor(p.subsample) : auto;
  const lw = Math.max(1, Math.round(w / s));
  const lh = Math.max(1, Math.round(h / s));
  const r = Math.max(1, Math.round(p.radius / s));
  const pLow = resizeBilinear(depth, dw, dh, lw, lh);
  const iLow = s === 1 ? I : resizeBilinear(I, w, h, lw, lh);
  const { a, b } = guidedCoefficients(iLow, pLow, lw, lh, r, p.epsilon);
  const { min, max } = valueRange(depth);
  return applyUpsampled(a, b, lw, lh, I, w, h, min, max, sharedFloats(w * h));
}

/**
 * q = clamp(up(a)·I + up(b), min, max) with up = resizeBilinear to w x h, in one pass: each coefficient is
 * interpolated on resizeBilinear's axes and rounded to float32 as it stores it, so the bytes are those of resizing
 * both to full-size arrays first (two frame-sized arrays written and read again, 2 ms of 18 a frame at 640x272).
 */
export function applyUpsampled(a: Float32Array, b: Float32Array, lw: number, lh: number, I: Float32Array, w: number, h: number, min: number, max: number, q: Float32Array): Float32Array {
  // Clamped with Math.max/min, not `v < min ? min : …`: a conditional that joins the double v with a parameter
  // made TurboFan box v on the heap for every pixel (270 MB of garbage per 100 frames at 640x272, and the
  // scavenges to clear it). The same values, -0 aside.
  if (lw === w && lh === h) {
    for (let i = 0; i < w * h; i++) q[i] = Math.max(min, Math.min(max, a[i] * I[i] + b[i]));
    return q;
  }
  const xs = bilinearAxis(lw, w);
  const { i0: x0, i1: x1 } = xs;
  const fx = Float32Array.from(xs.f);
  const ys = bilinearAxis(lh, h);
  for (let y = 0; y < h; y++) {
    const fy = ys.f[y];
    const ra = ys.i0[y] * lw;
    const rb = ys.i1[y] * lw;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const i0 = x0[x];
      const i1 = x1[x];
      const f = fx[x];
      const aa = a[ra + i0] + f * (a[ra + i1] - a[ra + i0]);
      const ab = a[rb + i0] + f * (a[rb + i1] - a[rb + i0]);
      const ba = b[ra + i0] + f * (b[ra + i1] - b[ra + i0]);
      const bb = b[rb + i0] + f * (b[rb + i1] - b[rb + i0]);
      q[o + x] = Math.max(min, Math.min(max, Math.fround(aa + fy * (ab - aa)) * I[o + x] + Math.fround(ba + fy * (bb - ba))));
    }
  }
  return q;
}
