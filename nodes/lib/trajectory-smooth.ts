/**
 * Forward–backward recursive filtering along trajectories, bounded so that any chunking gives the same bytes.
 *
 * A recursion that ran from the start of the scene would make frame i depend on how far back the chunk began, so
 * each recursion restarts at fixed frames (every `radius + 1`, and at cuts). Two recursions staggered by half a
 * period run each way, and each frame is the mean of the four states weighted by how much history each carries:
 * a state that has just restarted weighs nothing, so restarts leave no seam. Four steps per frame whatever the
 * radius; the forward (lagging) and backward (leading) states cancel each other's lag on genuine slow changes.
 */
import type { MotionPlanes } from './motion-planes.ts';
import { trajectoryStep, type StepTables } from './trajectory-filter.ts';

export interface TrajectorySource {
  w: number;
  h: number;
  /** Aligned normalised depth of frame j. */
  depth(j: number): Float32Array;
  /** Motion planes of frame j (between j−1 and j); undefined: no flow, filter in place. */
  motion(j: number): MotionPlanes | undefined;
  /** Colour mismatch at the same position between j−1 and j, used when there is no motion stream. */
  stillMismatch(j: number): Float32Array | undefined;
  /** True when frame j starts a scene. */
  isCut(j: number): boolean;
  /** Last frame of the stream. */
  last: number;
}

const mod = (a: number, m: number): number => ((a % m) + m) % m;

/** Filters frames [a, b): returns the filtered (unclamped) frames. */
export function smoothAlongTrajectories(src: TrajectorySource, a: number, b: number, radius: number, tables: StepTables): Float32Array[] {
  const n = src.w * src.h;
  const period = radius + 1;
  const sums = Array.from({ length: b - a }, () => new Float32Array(n));
  const weights = new Float64Array(b - a);
  const offsets = period >= 2 ? [0, period >> 1] : [0];
  let state = new Float32Array(n);
  let next = new Float32Array(n);
  const scratch = new Float32Array(n);
  const add = (j: number, age: number): void => {
    if (age === 0 || j < a || j >= b) return;
    const s = sums[j - a];
    for (let x = 0; x < n; x++) s[x] += age * state[x];
    weights[j - a] += age;
  };
  for (const o of offsets) {
    // Forward: frame j carries the state of j−1 along the back flow stored at j.
    const j0 = Math.max(0, a - mod(a - o, period));
    let age = 0;
    for (let j = j0; j < b; j++) {
      if (j === j0 || mod(j - o, period) === 0 || src.isCut(j)) {
        state.set(src.depth(j));
        age = 0;
      } else {
        const m = src.motion(j);
        trajectoryStep(state, m?.back, m ? m.backMismatch : src.stillMismatch(j), src.depth(j), src.w, src.h, tables, next, scratch);
        [state, next] = [next, state];
        age++;
      }
      add(j, age);
    }
    // Backward: frame j carries the state of j+1 along the forth flow stored at j+1.
    const j1 = Math.min(src.last, b - 1 + mod(o - b, period));
    age = 0;
    for (let j = j1; j >= a; j--) {
      if (j === j1 || mod(j + 1 - o, period) === 0 || src.isCut(j + 1)) {
        state.set(src.depth(j));
        age = 0;
      } else {
        const m = src.motion(j + 1);
        trajectoryStep(state, m?.forth, m ? m.forthMismatch : src.stillMismatch(j + 1), src.depth(j), src.w, src.h, tables, next, scratch);
        [state, next] = [next, state];
        age++;
      }
      add(j, age);
    }
  }
  return sums.map((s, k) => {
    if (weights[k] === 0) return Float32Array.from(src.depth(a + k));
    const inv = 1 / weights[k];
    for (let x = 0; x < n; x++) s[x] *= inv;
    return s;
  });
}
