/**
 * Model output → disparity frames, near = larger for every model. Raw values are kept (no per-frame min-max:
 * that pumps when the nearest object moves); later stages normalise over time from the per-frame stats.
 * Values are rounded to float16 so the memory tier, the disk tier (float16) and a fresh run hold equal bytes.
 */
import { roundToFloat16 } from '../../nodes/lib/float16.ts';
import { kthSmallest } from '../../nodes/lib/select.ts';
import { sharedFloats } from '../../nodes/lib/shared-frames.ts';
import type { ModelOutputSpec } from './model-manifest.ts';

const DEFAULT_EPSILON = 1e-3;

/**
 * Where a depth model answered nothing (depth <= epsilon: zero or negative), the values of the nearest pixels it
 * did answer, in place; `values` is a width x height depth frame. Left as they were, such pixels became the nearest
 * possible surface (1 / epsilon = 1000 in disparity): FastDepth leaves a blob of them (1.5–3 % of the frame, at the
 * top of the picture) in some frames of some shots and not in the next, so the frame's range (p98) jumped between
 * ~1 and 1000 and its normalised depth between a picture and black, which temporal smoothing could not hold (on
 * bikes-cuts mirrored and scaled to 480x204 one shot's flicker went from 0.08 raw to 0.07 smoothed).
 *
 * The blob's edge is no answer either: the decoder blurs from the surface around it down to zero, so the region
 * grows from the unanswered pixels through neighbours nearer than half the frame's median depth. A near object
 * that does not touch such a region keeps its depth. Frames with no unanswered pixel are left exactly as they are.
 */
export function fillUnanswered(values: Float32Array, width: number, height: number, eps: number): void {
  const n = width * height;
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (!(values[i] > eps)) {
      first = i;
      break;
    }
  }
  if (first < 0) return;
  // A plain loop: TypedArray.prototype.filter took 7 ms of a 224x224 frame's 8.
  const all = new Float32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (values[i] > eps) all[count++] = values[i];
  if (count === 0) return;
  const answered = all.subarray(0, count);
  const floor = kthSmallest(answered, count >> 1) / 2;
  // 0: answered, 1: no answer (to fill), 2: filled. Grown from the unanswered pixels through near ones.
  const mark = new Uint8Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = first; i < n; i++) {
    if (!(values[i] > eps)) {
      mark[i] = 1;
      queue[tail++] = i;
    }
  }
  // Neighbours in the order left, right, up, down (the fill below takes the first to reach a pixel).
  const grow = (j: number): void => {
    if (mark[j] === 0 && values[j] < floor) {
      mark[j] = 1;
      queue[tail++] = j;
    }
  };
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    const x = i % width;
    if (x > 0) grow(i - 1);
    if (x < width - 1) grow(i + 1);
    if (i >= width) grow(i - width);
    if (i + width < n) grow(i + width);
  }
  // Filled from the answered pixels outwards, ring by ring: each takes the value of the neighbour that reached it first.
  tail = 0;
  for (let i = 0; i < n; i++) {
    if (mark[i] !== 0) continue;
    const x = i % width;
    if ((x > 0 && mark[i - 1] === 1) || (x < width - 1 && mark[i + 1] === 1) || (i >= width && mark[i - width] === 1) || (i + width < n && mark[i + width] === 1)) queue[tail++] = i;
  }
  const take = (j: number, from: number): void => {
    if (mark[j] === 1) {
      mark[j] = 2;
      values[j] = values[from];
      queue[tail++] = j;
    }
  };
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    const x = i % width;
    if (x > 0) take(i - 1, i);
    if (x < width - 1) take(i + 1, i);
    if (i >= width) take(i - width, i);
    if (i + width < n) take(i + width, i);
  }
}

/**
 * Turns one frame of raw output into disparity in place. Depth (metric or not) becomes 1 / max(depth, epsilon):
 * for metric depth that is true disparity up to the camera's baseline*focal factor, and the epsilon (1 mm for
 * metric models in metres) keeps zero or negative depth finite; given the frame's size, pixels with no depth take
 * their answered neighbours' (fillUnanswered). A disparity model that says near is smaller is negated.
 */
export function toDisparity(values: Float32Array, spec: ModelOutputSpec, size?: { width: number; height: number }): Float32Array {
  if (spec.kind === 'depth') {
    const eps = spec.epsilon ?? DEFAULT_EPSILON;
    if (size) fillUnanswered(values, size.width, size.height, eps);
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
    out.push(toDisparity(frame, spec, { width, height }));
  }
  return out;
}
