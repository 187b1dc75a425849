/**
 * One step of a recursive filter along motion trajectories: the filtered state of the previous frame (in time order
 * or reverse) is warped into the current frame along the flow and blended with the current depth, pixel by pixel.
 * The blend falls to nothing where the flow is untrusted (occlusions, failed forward–backward check), where the
 * colour carried along the flow does not match (another surface), and where depth differs by more than noise
 * (a genuine change, kept). Cost per step is fixed, so the effective window can be long at no extra cost.
 */
import type { Flow } from './optical-flow.ts';
import { NO_MATCH } from './motion-planes.ts';

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
  const { depth, depthScale, colour, colourScale, memory, motion } = t;
  const { d: zd, scale: zScale, shift: zShift } = z;
  const xMax = w - 1;
  const yMax = h - 1;
  const u = flow?.u;
  const v = flow?.v;
  const index = grid?.index;
  const sx = grid?.sx ?? 1;
  const sy = grid?.sy ?? 1;
  // Everything but the depth itself is known per motion pixel, which stands for several depth pixels: where to
  // read the state (in place or along the flow, and how far) and how far to trust it are worked out once each.
  const nm = index ? (u ?? mismatch ?? still ?? moving)?.length ?? 0 : w * h;
  const trustAt = new Float32Array(nm);
  const dxAt = new Float32Array(nm);
  const dyAt = new Float32Array(nm);
  const inPlace = new Uint8Array(nm);
  for (let mi = 0; mi < nm; mi++) {
    let m = mismatch ? mismatch[mi] : 0;
    if (still && still[mi] < m) {
      m = still[mi];
      inPlace[mi] = 1;
    } else if (u && v) {
      dxAt[mi] = u[mi] * sx;
      dyAt[mi] = v[mi] * sy;
    } else inPlace[mi] = 1;
    // How far the carried value can be trusted whatever the current depth says: flow and colour only.
    let trust = 1;
    if (moving) {
      const ch = moving[mi];
      trust *= motion[ch < 255 ? ch | 0 : 255];
    }
    if (mismatch) {
      const kc = m >= NO_MATCH ? LUT_SIZE : (m * colourScale) | 0;
      trust *= colour[kc < LUT_SIZE ? kc : LUT_SIZE];
    }
    trustAt[mi] = trust;
    if (predicted) predicted.trust[mi] = trust;
  }
  // Cells by row and column (no per-pixel index to stream through).
  const { rows, columns } = grid ?? identityAxes(w, h);
  for (let y = 0, i = 0; y < h; y++) {
    const row = rows[y];
    for (let x = 0; x < w; x++, i++) {
      const mi = row + columns[x];
      const trust = trustAt[mi];
      const zv = Math.fround(zScale * zd[i] + zShift);
      if (trust === 0) {
        // Nothing is carried, so the state is not read; what a zero trust predicts is never used either.
        out[i] = zv;
        if (predicted) predicted.value[i] = zv;
        continue;
      }
      let c: number;
      if (inPlace[mi] === 1) c = state[i];
      else {
        let px = x + dxAt[mi];
        let py = y + dyAt[mi];
        // Math.max/min, not a conditional that could box px on the heap per pixel (see guided-upsample.ts).
        px = Math.max(0, Math.min(xMax, px));
        py = Math.max(0, Math.min(yMax, py));
        const x0 = px | 0;
        const y0 = py | 0;
        const fx = px - x0;
        const fy = py - y0;
        const x1 = x0 < xMax ? x0 + 1 : x0;
        const r0 = y0 * w;
        const r1 = (y0 < yMax ? y0 + 1 : y0) * w;
        const top = state[r0 + x0] + fx * (state[r0 + x1] - state[r0 + x0]);
        const bottom = state[r1 + x0] + fx * (state[r1 + x1] - state[r1 + x0]);
        c = top + fy * (bottom - top);
      }
      if (predicted) predicted.value[i] = c;
      const diff = c - zv;
      const kd = ((diff < 0 ? -diff : diff) * depthScale) | 0;
      out[i] = kd >= LUT_SIZE ? zv : zv + memory * depth[kd] * trust * diff;
    }
  }
  return out;
}
