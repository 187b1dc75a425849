/**
 * Forward–backward recursive filtering along trajectories, bounded so that any chunking gives the same bytes.
 *
 * A recursion that ran from the start of the scene would make frame i depend on how far back the chunk began, so
 * the forward recursion restarts at fixed frames (every `radius + 1`, and at cuts) and the backward one likewise,
 * half a period out of step. Each frame is the weighted mean of the two states, each weighing min(history carried,
 * frames until its next periodic restart): a state weighs nothing when it restarts and little just before, so the
 * restarts leave no seam, and one of the two is always mid-run. Two steps per frame whatever the radius; the
 * forward (lagging) and backward (leading) states cancel each other's lag on genuine slow changes.
 */
import { grainLevel, type MotionPlanes } from './motion-planes.ts';
import { shiftedMotion, trajectoryStep, writeAffine, type AffineDepth, type MotionGrid, type StepTables } from './trajectory-filter.ts';
import { sharedFloats } from './shared-frames.ts';

export interface TrajectorySource {
  w: number;
  h: number;
  /** Aligned normalised depth of frame j. */
  depth(j: number): AffineDepth;
  /** Motion planes of frame j (between j−1 and j) on `grid`; undefined: no flow, filter in place. */
  motion(j: number): MotionPlanes | undefined;
  grid: MotionGrid | undefined;
  /** Colour mismatch at the same position between j−1 and j (depth size), used when there is no motion stream. */
  stillMismatch(j: number): Float32Array | undefined;
  /** True when frame j starts a scene. */
  isCut(j: number): boolean;
  /** Last frame of the stream. */
  last: number;
  /**
   * First frame there is (default 0): where the input begins when a run gave no frames before a scene cut. The
   * forward pass then starts there, not at the period's boundary before it (a state that the cut resets anyway).
   */
  first?: number;
}

const mod = (a: number, m: number): number => ((a % m) + m) % m;

/**
 * Frame-sized work arrays kept from one call to the next (a thread runs one chunk at a time, and nothing here
 * awaits): the states and the past's predictions of a 16-frame chunk were some 11 MB of fresh arrays per chunk at
 * 518x292, and their garbage collection a tenth of the smoothing's time. Never returned to the caller; every
 * element is written before it is read (a prediction's value wherever its trust, always allocated fresh, is set).
 */
let spare: Float32Array[] = [];

function workArrays(count: number, n: number): Float32Array[] {
  if (spare.length > 0 && spare[0].length !== n) spare = [];
  while (spare.length < count) spare.push(new Float32Array(n));
  return spare.slice(0, count);
}

/**
 * Frames [first, last] the two passes visit to filter [a, b), before clipping to the stream: the forward pass
 * from the restart at or before a, the backward one from the restart at or after b − 1.
 */
export function trajectoryReach(radius: number, a: number, b: number): [number, number] {
  const period = radius + 1;
  if (period < 2) return [a, b - 1];
  return [a - mod(a, period), b - 1 + mod((period >> 1) - b, period)];
}

// The per-pixel loops below are functions of their own, each ending where its loop does. Inside the filter's closures
// V8 compiled them on the stack (OSR) before the code after them had ever run, and that code then left the compiled
// loop on every call (`--trace-deopt`: "insufficient type feedback"), compiling again: 15–25 compiles each of the
// filter and temporal-smooth's run in a 640x272 render. The arithmetic is unchanged, and so are the bytes.

/** Entries of the exp(−d²/2tol²) table (see smoothAlongTrajectories). */
const LUT = 1024;

/** max(before, after) per element, as a new array. */
function elementMax(before: Float32Array, after: Float32Array): Float32Array {
  const out = new Float32Array(before.length);
  for (let i = 0; i < out.length; i++) out[i] = before[i] > after[i] ? before[i] : after[i];
  return out;
}

/** s += weight · state over the first n values. */
function addScaled(s: Float32Array, state: Float32Array, weight: number, n: number): void {
  for (let x = 0; x < n; x++) s[x] += weight * state[x];
}

/** s = (s + weight · state) · inv: a frame's weighted mean, finished. */
function meanInto(s: Float32Array, state: Float32Array, weight: number, inv: number, n: number): void {
  for (let x = 0; x < n; x++) s[x] = (s[x] + weight * state[x]) * inv;
}

/**
 * The weighted mean as meanInto, then a frame the model got wrong on its own: past and future agree with each other,
 * trusted, and the frame does not. The depth tolerance kept the frame's value (it looks like a genuine change), so
 * move it to what its neighbours agree on, the more the surer. (One pass with the mean, rounded as storing it would.)
 */
function meanTowardsNeighbours(
  s: Float32Array,
  state: Float32Array,
  weight: number,
  inv: number,
  n: number,
  p: { value: Float32Array; trust: Float32Array },
  f: { value: Float32Array; trust: Float32Array },
  cellOf: Int32Array | undefined,
  lutScale: number,
  near: Float32Array,
): void {
  for (let x = 0; x < n; x++) {
    const v = Math.fround((s[x] + weight * state[x]) * inv);
    const mi = cellOf ? cellOf[x] : x;
    const trust = p.trust[mi] * f.trust[mi];
    const gap = p.value[x] - f.value[x];
    const kg = ((gap < 0 ? -gap : gap) * lutScale) | 0;
    if (trust === 0 || kg >= LUT) {
      s[x] = v;
      continue;
    }
    const off = v - 0.5 * (p.value[x] + f.value[x]);
    const ko = ((off < 0 ? -off : off) * lutScale) | 0;
    s[x] = v - trust * near[kg] * (1 - near[ko < LUT ? ko : LUT]) * off;
  }
}

/**
 * Grain below this level (grainLevel) is clean footage's own mismatch along the flow, and leaves the motion caution
 * as it is: the shared clips and copies of them read at most 4 in 90 % of their pairs.
 */
export const GRAIN_FLOOR = 5;

/**
 * Filters frames [a, b): returns the filtered (unclamped) frames. With `grain` > 0, a step between two frames moves
 * the motion caution up by `grain` colour levels for each level of the pair's grain above GRAIN_FLOOR (grainLevel of
 * the back mismatch), so that grain, which changes every pixel in place, does not read as motion everywhere.
 */
export function smoothAlongTrajectories(src: TrajectorySource, a: number, b: number, radius: number, tables: StepTables, grain = 0): Float32Array[] {
  const { w, h } = src;
  const n = w * h;
  const period = radius + 1;
  const half = period >> 1;
  const sums = Array.from({ length: b - a }, () => sharedFloats(n));
  const weights = new Float64Array(b - a);
  const work = workArrays(b - a + 3, n);
  let state = work[b - a];
  let next = work[b - a + 1];
  // What the past predicts for frame j (its state carried into j), and how far to trust it; the future's
  // prediction is used as soon as the backward pass makes it, so only the past's is kept.
  // Trust is known per motion pixel (see trajectoryStep): kept at that size.
  const cells = src.grid ? src.grid.cells : n;
  const cellOf = src.grid?.index;
  const fromPast = Array.from({ length: b - a }, (_, k) => ({ value: work[k], trust: new Float32Array(cells) }));
  const fromFuture = { value: work[b - a + 2], trust: new Float32Array(cells) };
  // The motion caution at frame j looks at the colour change on both sides of it: a pixel that changes colour
  // between j and j+1 is as much a moving one at j as one that changed between j−1 and j. Gating only by the change
  // that precedes the frame let the backward recursion carry j+1 into j across the change j−1 → j (and the forward
  // one j−2 into j−1 on the other side), halving the genuine change there. Measured on bbb-60s at equal warpErrorAligned
  // (0.49 of raw), the motion figure went 0.84 → 0.85 of raw with the Gaussian caution; a small part of the fix, most
  // of it is judging motion at the depth size (lib/motion-planes.ts pooledChange).
  const moving = new Map<number, Float32Array | undefined>();
  const movingAround = (j: number): Float32Array | undefined => {
    if (moving.has(j)) return moving.get(j);
    const before = j > 0 && !src.isCut(j) ? src.motion(j)?.moving : undefined;
    const after = j < src.last && !src.isCut(j + 1) ? src.motion(j + 1)?.moving : undefined;
    const out = before && after ? elementMax(before, after) : (before ?? after);
    moving.set(j, out);
    return out;
  };
  // Tables of the step between j − 1 and j: those given, the motion caution moved up by that pair's grain.
  const stepTablesAt = new Map<number, StepTables>();
  const tablesFor = (j: number): StepTables => {
    const m = grain > 0 ? src.motion(j) : undefined;
    if (!m) return tables;
    let t = stepTablesAt.get(j);
    if (!t) {
      t = shiftedMotion(tables, Math.round(grain * Math.max(0, grainLevel(m.backMismatch) - GRAIN_FLOOR)));
      stepTablesAt.set(j, t);
    }
    return t;
  };
  const tol = tables.outlierTolerance;
  // exp(−d²/2tol²) by table (two per pixel and frame were a tenth of the filter's time), nothing beyond 4 tol.
  const lutScale = tol > 0 ? LUT / (4 * tol) : 0;
  const near = new Float32Array(LUT + 1);
  for (let k = 0; k < LUT; k++) near[k] = Math.exp(-(((k + 0.5) / lutScale) ** 2) / (2 * tol * tol));
  const finish = (j: number, weight: number): void => {
    const k = j - a;
    const s = sums[k];
    const total = weights[k] + weight;
    if (total === 0) {
      writeAffine(src.depth(j), s);
      return;
    }
    const inv = 1 / total;
    if (!(tol > 0) || weight === 0) meanInto(s, state, weight, inv, n);
    else meanTowardsNeighbours(s, state, weight, inv, n, fromPast[k], fromFuture, cellOf, lutScale, near);
  };
  if (period >= 2) {
    // Forward: restarts at multiples of the period; frame j carries j−1 along the back flow stored at j.
    const [from, to] = trajectoryReach(radius, a, b);
    const j0 = Math.max(src.first ?? 0, from);
    let age = 0;
    for (let j = j0; j < b; j++) {
      if (j === j0 || mod(j, period) === 0 || src.isCut(j)) {
        writeAffine(src.depth(j), state);
        age = 0;
      } else {
        const m = src.motion(j);
        trajectoryStep(state, m?.back, src.grid, m ? m.backMismatch : src.stillMismatch(j), m?.change, movingAround(j), src.depth(j), w, h, tablesFor(j), next, j >= a ? fromPast[j - a] : undefined);
        [state, next] = [next, state];
        age++;
      }
      const weight = Math.min(age, period - mod(j, period));
      if (j >= a && weight > 0) {
        addScaled(sums[j - a], state, weight, n);
        weights[j - a] += weight;
      }
    }
    // Backward: runs end (restart) where j + 1 ≡ half; frame j carries j+1 along the forth flow stored at j+1.
    const j1 = Math.min(src.last, to);
    age = 0;
    for (let j = j1; j >= a; j--) {
      if (j === j1 || mod(j + 1 - half, period) === 0 || src.isCut(j + 1)) {
        writeAffine(src.depth(j), state);
        age = 0;
      } else {
        const m = src.motion(j + 1);
        // Past the chunk (j ≥ b) the step only builds the state: no frame there is finished, so nothing is predicted.
        trajectoryStep(state, m?.forth, src.grid, m ? m.forthMismatch : src.stillMismatch(j + 1), m?.change, movingAround(j), src.depth(j), w, h, tablesFor(j + 1), next, j < b ? fromFuture : undefined);
        [state, next] = [next, state];
        age++;
      }
      if (j < b) finish(j, Math.min(age, mod(j - half, period) + 1));
    }
  } else {
    for (let j = a; j < b; j++) finish(j, 0);
  }
  return sums;
}
