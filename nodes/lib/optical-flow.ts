/**
 * Dense optical flow on typed arrays: coarse-to-fine Lucas–Kanade with the structure tensor taken from the reference
 * image (inverse search, as DIS does), so each refinement only warps, differences and box-filters two images.
 * Textureless areas inherit the coarser level's flow through the Tikhonov term instead of going to zero.
 */
import { f32, kernels, layout, u8 } from './kernels/wasm.ts';

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

/**
 * Everything below runs in the WebAssembly kernels (kernels/assembly/flow.ts: the pyramid of [1 4 6 4 1]/16 blurs,
 * the regularised tensor with a Tikhonov weight of 4 grey levels², refinements of at most 2 px each, flow leaving
 * the image counted as no evidence), in the arithmetic of the JavaScript it replaced: the same bits.
 */

/** Luma (0..255) of RGB24, BT.601 weights. */
export function lumaFromRgb(rgb: Uint8Array, n: number, out: Float32Array = new Float32Array(n)): Float32Array {
  const [src, dst] = layout(n * 3, n * 4);
  u8(src, n * 3).set(rgb.subarray(0, n * 3));
  kernels().lumaFromRgb(src, n, dst);
  out.set(f32(dst, n));
  return out;
}

/** Bilinear sample of `src` at (x + u, y + v) for every pixel, coordinates clamped to the image. */
export function warpBilinear(src: Float32Array, w: number, h: number, u: Float32Array, v: Float32Array, out: Float32Array = new Float32Array(w * h)): Float32Array {
  const n = w * h;
  const [ps, pu, pv, po] = layout(n * 4, n * 4, n * 4, n * 4);
  f32(ps, n).set(src.subarray(0, n));
  f32(pu, n).set(u.subarray(0, n));
  f32(pv, n).set(v.subarray(0, n));
  kernels().warpBilinear(ps, w, h, pu, pv, po);
  out.set(f32(po, n));
  return out;
}

/** Dense flow from `ref` to `target` (grey images w x h of one scale, e.g. lumaFromRgb). */
export function denseFlow(ref: Float32Array, target: Float32Array, w: number, h: number, o: FlowOptions = DEFAULT_FLOW_OPTIONS): Flow {
  const n = w * h;
  const [pr, pt, pu, pv] = layout(n * 4, n * 4, n * 4, n * 4);
  f32(pr, n).set(ref.subarray(0, n));
  f32(pt, n).set(target.subarray(0, n));
  kernels().denseFlow(pr, pt, w, h, o.iterations, o.radius, o.finestLevel, pu, pv);
  return { u: f32(pu, n).slice(), v: f32(pv, n).slice() };
}

/**
 * Marks where the flow `f` (A→B) is confirmed by `g` (B→A): following f then g comes back within
 * 0.01 (|f|²+|g|²) + `slack` px² (Sundaram et al., ECCV 2010: slack 0.5), and f does not leave the image.
 * 1 = consistent.
 */
export function consistentFlow(f: Flow, g: Flow, w: number, h: number, out: Uint8Array = new Uint8Array(w * h), slack = 0.5): Uint8Array {
  const n = w * h;
  const [fu, fv, gu, gv, po] = layout(n * 4, n * 4, n * 4, n * 4, n);
  f32(fu, n).set(f.u.subarray(0, n));
  f32(fv, n).set(f.v.subarray(0, n));
  f32(gu, n).set(g.u.subarray(0, n));
  f32(gv, n).set(g.v.subarray(0, n));
  kernels().consistentFlow(fu, fv, gu, gv, w, h, po, slack);
  out.set(u8(po, n));
  return out;
}
