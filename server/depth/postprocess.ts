/**
 * Model output → disparity frames, near = larger for every model. Raw values are kept (no per-frame min-max:
 * that pumps when the nearest object moves); later stages normalise over time from the per-frame stats.
 * Values are rounded to float16 so the memory tier, the disk tier (float16) and a fresh run hold equal bytes.
 */
import { roundToFloat16 } from '../../nodes/lib/float16.ts';
import { sharedFloats } from '../../nodes/lib/shared-frames.ts';
import type { ModelOutputSpec } from './model-manifest.ts';

const DEFAULT_EPSILON = 1e-3;

/**
 * Turns one frame of raw output into disparity in place. Depth (metric or not) becomes 1 / max(depth, epsilon):
 * for metric depth that is true disparity up to the camera's baseline*focal factor, and the epsilon (1 mm for
 * metric models in metres) keeps zero or negative depth finite. A disparity model that says near is smaller is negated.
 */
export function toDisparity(values: Float32Array, spec: ModelOutputSpec): Float32Array {
  if (spec.kind === 'depth') {
    const eps = spec.epsilon ?? DEFAULT_EPSILON;
    // Math.max, not `d > eps ? d : eps`: joining d with the parameter boxed it on the heap for every pixel. (NaN
    // now stays NaN instead of becoming 1 / eps; checkFiniteOutput refuses such output before it gets here.)
    for (let i = 0; i < values.length; i++) values[i] = 1 / Math.max(eps, values[i]);
  } else if (spec.nearIs === 'smaller') {
    for (let i = 0; i < values.length; i++) values[i] = -values[i];
  }
  return roundToFloat16(values);
}

/** Splits a batched output (N x H x W or N x 1 x H x W, already checked) into per-frame disparity maps. */
export function postprocessOutput(data: Float32Array, frames: number, width: number, height: number, spec: ModelOutputSpec): Float32Array[] {
  const plane = width * height;
  const out: Float32Array[] = [];
  // Copied out, so the batch buffer is not kept alive by the frames that outlive it in the cache; into shared
  // memory, so a depth thread's frames reach the pool threads that read them (flow, smooth) without another copy.
  for (let f = 0; f < frames; f++) {
    const frame = sharedFloats(plane);
    frame.set(data.subarray(f * plane, (f + 1) * plane));
    out.push(toDisparity(frame, spec));
  }
  return out;
}
