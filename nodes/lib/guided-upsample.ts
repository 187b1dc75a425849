/**
 * Edge-aware depth upsampling with the guided filter (He, Sun & Tang, 2010/2013), in its fast form: the linear
 * coefficients a, b are fitted at a reduced resolution and applied to the full-resolution luminance, so depth edges
 * land on the frame's edges while the cost stays O(pixels) at whatever radius.
 */
import type { DepthStats } from '../core/types.ts';
import { bilinearAxis } from './bilinear-resize.ts';
import { depthStats, statsAt } from './depth-stats.ts';
import { dilateForeground } from './dilate-foreground.ts';
import { roundToFloat16 } from './float16.ts';
import { sharedFloats } from './shared-frames.ts';
import { f32, f64, i32, kernels, layout, u8 } from './kernels/wasm.ts';

export interface GuidedUpsampleParams {
  /** Box radius in output (frame) pixels. */
  radius: number;
  /** Regulariser: luminance variance (0..1 scale) below which a window is treated as flat and depth is smoothed. */
  epsilon: number;
  /** Fit resolution divisor; 0 picks about the depth map's own pixel count (at most 4). */
  subsample?: number;
}

/** Guided filter of `p` by guide `I` (both w x h): q = mean(a) * I + mean(b). */
export function guidedFilter(I: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): Float32Array {
  const { a, b } = guidedCoefficients(I, p, w, h, r, eps);
  const q = new Float32Array(w * h);
  for (let i = 0; i < q.length; i++) q[i] = a[i] * I[i] + b[i];
  return q;
}

/**
 * The box-averaged linear coefficients of the guided filter, by the WebAssembly kernel (kernels/assembly/guided.ts:
 * six box means and the per-pixel fit, in the arithmetic of the JavaScript it replaced).
 */
function guidedCoefficients(I: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): { a: Float32Array; b: Float32Array } {
  const n = w * h;
  const [pi, pp, pa, pb, t0, t1, horiz, acc, inv] = layout(n * 4, n * 4, n * 4, n * 4, n * 4, n * 4, n * 4, w * 8, w * 4);
  f32(pi, n).set(I.subarray(0, n));
  f32(pp, n).set(p.subarray(0, n));
  kernels().guidedCoefficients(pi, pp, w, h, r, eps, pa, pb, t0, t1, horiz, acc, inv);
  return { a: f32(pa, n).slice(), b: f32(pb, n).slice() };
}

/** The fit's size and box radius for depth dw x dh under a w x h frame. */
function fitSize(dw: number, dh: number, w: number, h: number, p: GuidedUpsampleParams): { lw: number; lh: number; r: number } {
  // Fitted at about the depth map's own pixel count: finer adds nothing the depth holds. (The smaller axis ratio
  // chose full size for a square 224x224 model input under a 640x272 frame, twice the cost of half size.)
  const auto = Math.max(1, Math.min(4, Math.round(Math.sqrt((w * h) / (dw * dh)))));
  const s = p.subsample && p.subsample >= 1 ? Math.floor(p.subsample) : auto;
  return { lw: Math.max(1, Math.round(w / s)), lh: Math.max(1, Math.round(h / s)), r: Math.max(1, Math.round(p.radius / s)) };
}

/**
 * Upsamples depth (dw x dh) and, when `finish` says so, dilates it by a 3x3 max and rounds it to float16, all in
 * one call of the WebAssembly kernel (kernels/assembly/refine.ts): the frame's Rec. 601 luminance (through `lut`
 * first, an HDR source's SDR view), the depth and the luminance resized to the fit's size, the coefficients, their
 * application to the full-size luminance, clamped to the depth's range. Returns the result (shared memory) and,
 * when finished, its statistics.
 */
function upsampleFrame(depth: Float32Array, dw: number, dh: number, rgb: Uint8Array, w: number, h: number, p: GuidedUpsampleParams, lut: Uint8Array | undefined, finish: { dilate: boolean } | undefined): { depth: Float32Array; stats?: DepthStats } {
  const { lw, lh, r } = fitSize(dw, dh, w, h, p);
  const n = w * h;
  const [pd, prgb, plut, po, ps] = layout(dw * dh * 4, n * 3, lut ? 256 : 0, n * 4, 5 * 8);
  f32(pd, dw * dh).set(depth.subarray(0, dw * dh));
  u8(prgb, n * 3).set(rgb.subarray(0, n * 3));
  if (lut) u8(plut, 256).set(lut.subarray(0, 256));
  const flag = kernels().refineFrame(pd, dw, dh, prgb, w, h, lut ? plut : 0, lw, lh, r, p.epsilon, finish?.dilate ? 1 : 0, finish ? 1 : 0, po, ps);
  const out = sharedFloats(n);
  out.set(f32(po, n));
  if (!finish) return { depth: out };
  return { depth: out, stats: flag === 0 ? statsAt(ps) : depthStats(out) };
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
  return upsampleFrame(depth, dw, dh, rgb, w, h, p, lut, undefined).depth;
}

/**
 * edge-refine's frame: guidedUpsample, then the foreground dilation by `dilation` px, rounded to float16, with its
 * statistics. A dilation of 0 or 1 (the default) is done inside the one kernel call.
 */
export function refineDepthFrame(
  depth: Float32Array,
  dw: number,
  dh: number,
  rgb: Uint8Array,
  w: number,
  h: number,
  p: GuidedUpsampleParams,
  dilation: number,
  lut?: Uint8Array,
): { depth: Float32Array; stats: DepthStats } {
  const px = Math.max(0, Math.floor(dilation));
  if (px <= 1) {
    const done = upsampleFrame(depth, dw, dh, rgb, w, h, p, lut, { dilate: px === 1 });
    return { depth: done.depth, stats: done.stats! };
  }
  const q = roundToFloat16(dilateForeground(guidedUpsample(depth, dw, dh, rgb, w, h, p, lut), w, h, px));
  return { depth: q, stats: depthStats(q) };
}

/**
 * q = clamp(up(a)·I + up(b), min, max) with up = resizeBilinear to w x h, in one pass: each coefficient is
 * interpolated on resizeBilinear's axes and rounded to float32 as it stores it, so the bytes are those of resizing
 * both to full-size arrays first (two frame-sized arrays written and read again, 2 ms of 18 a frame at 640x272).
 */
export function applyUpsampled(a: Float32Array, b: Float32Array, lw: number, lh: number, I: Float32Array, w: number, h: number, min: number, max: number, q: Float32Array): Float32Array {
  // By the WebAssembly kernel (kernels/assembly/guided.ts); clamped as Math.max(min, Math.min(max, v)) is.
  const n = w * h;
  const ln = lw * lh;
  const k = kernels();
  if (lw === w && lh === h) {
    const [pa, pb, pI] = layout(n * 4, n * 4, n * 4);
    f32(pa, n).set(a.subarray(0, n));
    f32(pb, n).set(b.subarray(0, n));
    f32(pI, n).set(I.subarray(0, n));
    k.applySameSize(pa, pb, pI, n, min, max, pI);
    q.set(f32(pI, n));
    return q;
  }
  const xs = bilinearAxis(lw, w);
  const ys = bilinearAxis(lh, h);
  const [pa, pb, pI, x0, x1, fx, y0, y1, fy] = layout(ln * 4, ln * 4, n * 4, w * 4, w * 4, w * 4, h * 4, h * 4, h * 8);
  f32(pa, ln).set(a.subarray(0, ln));
  f32(pb, ln).set(b.subarray(0, ln));
  f32(pI, n).set(I.subarray(0, n));
  i32(x0, w).set(xs.i0);
  i32(x1, w).set(xs.i1);
  f32(fx, w).set(xs.f);
  i32(y0, h).set(ys.i0);
  i32(y1, h).set(ys.i1);
  f64(fy, h).set(ys.f);
  k.applyUpsampled(pa, pb, lw, pI, w, h, min, max, pI, x0, x1, fx, y0, y1, fy);
  q.set(f32(pI, n));
  return q;
}
