/**
 * What the optical-flow node hands to temporal filters for frame t, as planes of one float buffer at the motion size
 * (the depth size, halved while large; it travels as a depth-typed stream w x 7h, so the engine caches it like
 * depth, as float16 on disk). Flow is in pixels of the motion size:
 * back flow t→t−1 (u, v), how well frame t−1's colour warped along it matches frame t (max channel difference
 * 0..255, NO_MATCH where the flow fails the forward–backward check or leaves the picture), the same three for the
 * forth flow t−1→t (pixels of frame t−1), the unwarped colour change max_c |c_t − c_{t−1}|, and the same change
 * measured at the depth size, the largest of the depth pixels each motion pixel stands for (see pooledChange).
 */
import { type Flow, type FlowOptions } from './optical-flow.ts';
import { f32, kernels, layout, u8 } from './kernels/wasm.ts';
import { kthSmallest } from './select.ts';

export const MOTION_PLANES = 8;
/** Mismatch of a pixel whose flow is not trusted. */
export const NO_MATCH = 1000;

export interface MotionPlanes {
  back: Flow;
  backMismatch: Float32Array;
  forth: Flow;
  forthMismatch: Float32Array;
  change: Float32Array;
  /** The colour change at the depth size, pooled (max) into the motion size: what tells the filter a pixel moves. */
  moving: Float32Array;
}

/** Views of the planes inside one frame buffer of the motion stream (no copy). */
export function motionPlanes(buf: Float32Array, n: number): MotionPlanes {
  const p = (k: number): Float32Array => buf.subarray(k * n, (k + 1) * n);
  return { back: { u: p(0), v: p(1) }, backMismatch: p(2), forth: { u: p(3), v: p(4) }, forthMismatch: p(5), change: p(6), moving: p(7) };
}

/**
 * The motion planes between RGB24 frames `prev` and `cur` at w x h, written into `out` (MOTION_PLANES·w·h): both
 * flows (denseFlow), each checked against the other (consistentFlow, `slack` px² of tolerance beyond the 1 % of the
 * motion), the max-channel colour difference of each frame against the other warped along its flow (NO_MATCH where
 * the check fails), and the unwarped change. One call of the WebAssembly kernel (kernels/assembly/flow.ts).
 */
export function measureMotion(prev: Uint8Array, cur: Uint8Array, w: number, h: number, o: FlowOptions, out: Float32Array, slack = 0.5): Float32Array {
  const n = w * h;
  const [pp, pc, po] = layout(n * 3, n * 3, MOTION_PLANES * n * 4);
  u8(pp, n * 3).set(prev.subarray(0, n * 3));
  u8(pc, n * 3).set(cur.subarray(0, n * 3));
  kernels().measureMotion(pp, pc, w, h, o.iterations, o.radius, o.finestLevel, slack, po);
  out.set(f32(po, MOTION_PLANES * n));
  return out;
}

/**
 * The change plane from colour at the depth size (dw x dh) instead of the motion size: each motion pixel holds the
 * largest max-channel change of the depth pixels that read it (the nearest-pixel mapping of motionGrid). Colour
 * averaged down to the motion size first loses most of a thin moving edge (a 2x2 block half covered changes by half
 * as much), so the filter carried depth across the very pixels where the picture, and the depth, changes: on bbb-60s
 * it kept 0.60 of the raw motion figure instead of 0.90. Only the motion caution reads it: the in-place tests
 * keep the motion-size change (a textured area under a moving camera changes at every depth pixel, yet its flow
 * explains it and the filter should follow it; with this plane there, bikes-cuts' flicker rose from 0.39 to 0.50).
 */
export function pooledChange(prev: Uint8Array, cur: Uint8Array, dw: number, dh: number, w: number, h: number, out: Float32Array): Float32Array {
  const [pp, pc, po] = layout(dw * dh * 3, dw * dh * 3, w * h * 4);
  u8(pp, dw * dh * 3).set(prev.subarray(0, dw * dh * 3));
  u8(pc, dw * dh * 3).set(cur.subarray(0, dw * dh * 3));
  kernels().pooledChange(pp, pc, dw, dh, w, h, po);
  out.set(f32(po, w * h));
  return out;
}

/**
 * How grainy a pair of frames is: the median colour mismatch along the trusted flow (a mismatch plane), 0 when
 * nothing is trusted. A flow explains moving texture but not grain, which changes every pixel every frame, so what
 * is left along it is mostly grain: clean footage reads 0.3–4 (the shared clips and copies of them, 90 % of pairs),
 * the same footage with ffmpeg's noise at strength 12–15 reads 9–13.
 */
export function grainLevel(mismatch: Float32Array): number {
  const trusted = new Float32Array(mismatch.length);
  let count = 0;
  for (let i = 0; i < mismatch.length; i++) if (mismatch[i] < NO_MATCH) trusted[count++] = mismatch[i];
  return count === 0 ? 0 : kthSmallest(trusted.subarray(0, count), count >> 1);
}

/** Planes of a frame with no predecessor: zero flow, nothing trusted. */
export function noMotion(w: number, h: number, out: Float32Array): Float32Array {
  const n = w * h;
  out.fill(0);
  const p = motionPlanes(out, n);
  p.backMismatch.fill(NO_MATCH);
  p.forthMismatch.fill(NO_MATCH);
  p.change.fill(NO_MATCH);
  p.moving.fill(NO_MATCH);
  return out;
}

/**
 * The size motion is measured at for a w x h depth map: halved until at most `maxPixels` remain (sides ≥ 24).
 * Depth maps are smooth at the scale of a few pixels, so a flow at half size warps them as well.
 */
export function motionSize(w: number, h: number, maxPixels: number): { width: number; height: number } {
  let level = 0;
  while ((w >> level) * (h >> level) > maxPixels && Math.min(w >> (level + 1), h >> (level + 1)) >= 24) level++;
  return { width: w >> level, height: h >> level };
}

/** True when a motion stream of wm x hTotal (planes stacked) can belong to a w x h depth stream. */
export function motionFits(w: number, h: number, wm: number, hTotal: number): boolean {
  if (hTotal % MOTION_PLANES !== 0) return false;
  for (let level = 0; level < 12; level++) if (w >> level === wm && h >> level === hTotal / MOTION_PLANES) return true;
  return false;
}
