/**
 * One step of a recursive filter along motion trajectories: the filtered state of the previous frame (in time order
 * or reverse) is warped into the current frame along the flow and blended with the current depth, pixel by pixel.
 * The blend falls to nothing where the flow is untrusted (occlusions, failed forward–backward check), where the
 * colour carried along the flow does not match (another surface), and where depth differs by more than noise
 * (a genuine change, kept). Cost per step is fixed, so the effective window can be long at no extra cost.
 */
import type { Flow } from './optical-flow.ts';
import { NO_MATCH } from './motion-planes.ts';
import { f32, i32, kernels, layout } from './kernels/wasm.ts';

export interface TrajectoryParams {
  /** Share of the carried state at a perfectly matching pixel (0..1): 0.9 ≈ a 10-frame memory. */
  memory: number;
  /** Depth difference (normalised) at which the blend falls to e^-1/2. */
  depthSigma: number;
  /** Colour mismatch along the flow (0..255) at which the blend falls to e^-1/2; 0 ignores colour. */
  colourSigma: number;
  /**
   * Colour change in place (0..255) from which the blend falls, to nothing at twice it; 0 turns this off. Where the picture moves
   * the flow is least sure (motion edges, occlusions), so moving areas keep more of the current frame.
   */
  motionSigma: number;
  /** Differences (normalised) at which a lone frame counts as an outlier against agreeing neighbours; 0 = off. */
  outlierTolerance: number;
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
  /** Weight by in-place colour change 0..255 (all 1 when off). */
  motion: Float32Array;
  memory: number;
  outlierTolerance: number;
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
  const motion = new Float32Array(256).fill(1);
  // A ramp rather than a Gaussian: colour changes below motionSigma are texture under a moving camera or noise,
  // which the flow explains, so they are smoothed in full; the share falls smoothly to nothing at twice that. The
  // Gaussian already cut the smoothing of the first (bikes-cuts: warpErrorAligned 0.53 vs 0.51 of raw at the same
  // bbb-60s motion figure).
  if (p.motionSigma > 0) {
    for (let k = 0; k < 256; k++) {
      const t = Math.min(1, Math.max(0, (k - p.motionSigma) / p.motionSigma));
      motion[k] = 1 - t * t * (3 - 2 * t);
    }
  }
  return { depth: d.table, depthScale: d.scale, colour: c.table, colourScale: c.scale, motion, memory: Math.min(1, Math.max(0, p.memory)), outlierTolerance: p.outlierTolerance };
}

/**
 * The same tables with the motion caution's ramp moved `shift` colour levels up (it starts at motionSigma + shift and
 * reaches nothing at 2·motionSigma + shift): what grain adds to every pixel's change in place is not motion.
 */
export function shiftedMotion(t: StepTables, shift: number): StepTables {
  if (shift <= 0) return t;
  const motion = new Float32Array(t.motion.length);
  for (let k = 0; k < motion.length; k++) motion[k] = t.motion[Math.max(0, k - shift)];
  return { ...t, motion };
}

/**
 * A frame's depth as an affine map of another array, z = scale·d + shift rounded to float32, read where it is used:
 * writing z out first cost two more passes over the frame for each step.
 */
export interface AffineDepth {
  d: Float32Array;
  scale: number;
  shift: number;
}

/** z of `a` written into `out` (the values a Float32Array of z would hold). */
export function writeAffine(a: AffineDepth, out: Float32Array): Float32Array {
  const { d, scale, shift } = a;
  for (let x = 0; x < out.length; x++) out[x] = scale * d[x] + shift;
  return out;
}

/** Where each depth pixel reads its motion: the nearest pixel of the (possibly smaller) motion planes. */
export interface MotionGrid {
  /** Motion-plane index of every depth pixel. */
  index: Int32Array;
  /** Pixels of the motion planes. */
  cells: number;
  /** The same index split by axis: index[y·w + x] = rows[y] + columns[x]. */
  rows: Int32Array;
  columns: Int32Array;
  /** Depth pixels per motion pixel, across and down: flow vectors are scaled by these. */
  sx: number;
  sy: number;
}

export function motionGrid(w: number, h: number, wm: number, hm: number): MotionGrid {
  const rows = new Int32Array(h);
  const columns = new Int32Array(w);
  for (let y = 0; y < h; y++) rows[y] = Math.min(hm - 1, Math.floor(((y + 0.5) * hm) / h)) * wm;
  for (let x = 0; x < w; x++) columns[x] = Math.min(wm - 1, Math.floor(((x + 0.5) * wm) / w));
  const index = new Int32Array(w * h);
  for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) index[i] = rows[y] + columns[x];
  return { index, cells: wm * hm, rows, columns, sx: w / wm, sy: h / hm };
}

/** The identity grid of a w x h plane (each pixel its own cell), for filtering without motion planes. */
function identityAxes(w: number, h: number): { rows: Int32Array; columns: Int32Array } {
  const rows = new Int32Array(h);
  const columns = new Int32Array(w);
  for (let y = 0; y < h; y++) rows[y] = y * w;
  for (let x = 0; x < w; x++) columns[x] = x;
  return { rows, columns };
}

/**
 * out = z + a·(state carried along the flow − z) with a = memory · colour weight · depth weight per pixel. `flow`
 * (on `grid`) maps pixels of the current frame to the frame `state` belongs to; `mismatch` is the colour mismatch
 * along it (NO_MATCH = untrusted). `still` is the colour change at the same position: where it is the better
 * match, the state is read in place instead (flow on dark or flat pictures is noise, yet nothing moved there).
 * `moving` is the colour change in place around the current frame that sets the motion caution.
 * Without flow, state is read in place and `mismatch` is per depth pixel. `predicted` receives the carried value
 * per depth pixel and its trust per motion pixel (on `grid`, else per depth pixel); where the trust is 0 the value
 * is left as the current depth, since nothing reads it.
 */
export function trajectoryStep(
  state: Float32Array,
  flow: Flow | undefined,
  grid: MotionGrid | undefined,
  mismatch: Float32Array | undefined,
  still: Float32Array | undefined,
  moving: Float32Array | undefined,
  z: AffineDepth,
  w: number,
  h: number,
  t: StepTables,
  out: Float32Array,
  predicted?: { value: Float32Array; trust: Float32Array },
): Float32Array {
  // By the WebAssembly kernel (kernels/assembly/trajectory.ts). Everything but the depth itself is known per motion
  // pixel, which stands for several depth pixels: where to read the state (in place or along the flow, and how far)
  // and how far to trust it are worked out once each, there.
  const n = w * h;
  const u = flow?.u;
  const v = flow?.v;
  const nm = grid ? ((u ?? mismatch ?? still ?? moving)?.length ?? 0) : n;
  const { rows, columns } = grid ?? identityAxes(w, h);
  const sizes = [
    n * 4, // state
    u ? nm * 4 : 0,
    v ? nm * 4 : 0,
    h * 4, // rows
    w * 4, // columns
    mismatch ? mismatch.length * 4 : 0,
    still ? nm * 4 : 0,
    moving ? nm * 4 : 0,
    n * 4, // zd
    t.depth.length * 4,
    t.colour.length * 4,
    t.motion.length * 4,
    n * 4, // out
    predicted ? n * 4 : 0,
    predicted ? nm * 4 : 0,
  ];
  const [ps, pu, pv, pr, pc, pm, pst, pmv, pz, pdl, pcl, pml, po, ppv, ppt] = layout(...sizes);
  f32(ps, n).set(state.subarray(0, n));
  if (u) f32(pu, nm).set(u.subarray(0, nm));
  if (v) f32(pv, nm).set(v.subarray(0, nm));
  i32(pr, h).set(rows);
  i32(pc, w).set(columns);
  if (mismatch) f32(pm, mismatch.length).set(mismatch);
  if (still) f32(pst, nm).set(still.subarray(0, nm));
  if (moving) f32(pmv, nm).set(moving.subarray(0, nm));
  f32(pz, n).set(z.d.subarray(0, n));
  f32(pdl, t.depth.length).set(t.depth);
  f32(pcl, t.colour.length).set(t.colour);
  f32(pml, t.motion.length).set(t.motion);
  kernels().trajectoryStep(
    ps,
    u ? pu : 0,
    v ? pv : 0,
    pr,
    pc,
    grid?.sx ?? 1,
    grid?.sy ?? 1,
    nm,
    mismatch ? pm : 0,
    still ? pst : 0,
    moving ? pmv : 0,
    pz,
    z.scale,
    z.shift,
    w,
    h,
    pdl,
    t.depthScale,
    pcl,
    t.colourScale,
    t.memory,
    pml,
    po,
    predicted ? ppv : 0,
    predicted ? ppt : 0,
  );
  out.set(f32(po, n));
  if (predicted) {
    predicted.value.set(f32(ppv, n));
    predicted.trust.set(f32(ppt, nm));
  }
  return out;
}
