/**
 * One step of a recursive filter along motion trajectories: the filtered state of the previous frame (in time order
 * or reverse) is warped into the current frame along the flow and blended with the current depth, pixel by pixel.
 * The blend falls to nothing where the flow is untrusted (occlusions, failed forward–backward check), where the
 * colour carried along the flow does not match (another surface), and where depth differs by more than noise
 * (a genuine change, kept). Cost per step is fixed, so the effective window can be long at no extra cost.
 */
import type { Flow } from './optical-flow.ts';
import { warpBilinear } from './optical-flow.ts';
import { NO_MATCH } from './motion-planes.ts';

export interface TrajectoryParams {
  /** Share of the carried state at a perfectly matching pixel (0..1): 0.9 ≈ a 10-frame memory. */
  memory: number;
  /** Depth difference (normalised) at which the blend falls to e^-1/2. */
  depthSigma: number;
  /** Colour mismatch along the flow (0..255) at which the blend falls to e^-1/2; 0 ignores colour. */
  colourSigma: number;
}

const LUT_SIZE = 1024;
/** Differences beyond this many sigmas weigh nothing (e^-8). */
const CUTOFF = 4;

/** Weight tables built once per params, shared by every step. */
export interface StepTables {
  depth: Float32Array;
  depthScale: number;
  colour: Float32Array;
  colourScale: number;
  memory: number;
}

function gaussianTable(sigma: number): { table: Float32Array; scale: number } {
  const table = new Float32Array(LUT_SIZE + 1);
  const scale = LUT_SIZE / (CUTOFF * sigma);
  for (let k = 0; k < LUT_SIZE; k++) {
    const d = (k + 0.5) / scale;
    table[k] = Math.exp((-d * d) / (2 * sigma * sigma));
  }
  return { table, scale };
}

export function stepTables(p: TrajectoryParams): StepTables {
  const d = gaussianTable(Math.max(p.depthSigma, 1e-4));
  // colourSigma 0 keeps only the trust test: every mismatch below NO_MATCH weighs 1.
  const c = p.colourSigma > 0 ? gaussianTable(p.colourSigma) : { table: new Float32Array(LUT_SIZE + 1).fill(1), scale: LUT_SIZE / NO_MATCH };
  c.table[LUT_SIZE] = 0;
  return { depth: d.table, depthScale: d.scale, colour: c.table, colourScale: c.scale, memory: Math.min(1, Math.max(0, p.memory)) };
}

/**
 * out = z + a·(warp(state) − z) with a = memory · colour weight · depth weight per pixel. `flow` maps pixels of the
 * current frame to the frame `state` belongs to (undefined: same position); `mismatch` is the colour mismatch along
 * it (NO_MATCH = untrusted). `scratch` (w·h) receives the warped state. Returns out.
 */
export function trajectoryStep(
  state: Float32Array,
  flow: Flow | undefined,
  mismatch: Float32Array | undefined,
  z: Float32Array,
  w: number,
  h: number,
  t: StepTables,
  out: Float32Array,
  scratch: Float32Array,
): Float32Array {
  const n = w * h;
  const carried = flow ? warpBilinear(state, w, h, flow.u, flow.v, scratch) : state;
  const { depth, depthScale, colour, colourScale, memory } = t;
  for (let i = 0; i < n; i++) {
    const c = carried[i];
    const v = z[i];
    const diff = c - v;
    const kd = ((diff < 0 ? -diff : diff) * depthScale) | 0;
    if (kd >= LUT_SIZE) {
      out[i] = v;
      continue;
    }
    let a = memory * depth[kd];
    if (mismatch) {
      const m = mismatch[i];
      const kc = m >= NO_MATCH ? LUT_SIZE : (m * colourScale) | 0;
      a *= colour[kc < LUT_SIZE ? kc : LUT_SIZE];
    }
    out[i] = v + a * diff;
  }
  return out;
}
