/**
 * Temporal-consistency figures of a depth video, independent of how it was filtered. Over consecutive frame pairs
 * within a scene, at depth resolution, with depth normalised to 0..1 (near = 1):
 * - warpError: mean |d_t − warped d_{t−1}| along colour flow t→t−1, over pixels whose flow is forward–backward
 *   consistent and whose warped colour matches within 12/255 (Lai et al., ECCV 2018). Sees shimmer under a moving
 *   camera, where static pixels are few;
 * - warpErrorAligned: the same after a least-squares scale and shift of d_t onto the warped d_{t−1} (local shimmer
 *   only, a global pumping of the range does not count);
 * - flicker: mean |d_t − d_{t−1}| where the colour changes by less than 6/255 on every channel (static pixels);
 * - motion: mean |d_t − d_{t−1}| where the colour changes by more than 30/255 on some channel (real change, which a
 *   filter must neither erase nor exaggerate).
 */
import { measureMotion, MOTION_PLANES, motionPlanes, type MotionPlanes } from './motion-planes.ts';
import { warpBilinear, type FlowOptions } from './optical-flow.ts';

export const WARP_COLOUR_MATCH = 12;
export const STATIC_COLOUR = 6;
export const MOVING_COLOUR = 30;

/** Flow settings for measuring: solved at full resolution, more refinement than the filter's own flow. */
export const FIGURE_FLOW: FlowOptions = { iterations: 3, radius: 3, finestLevel: 0 };

export interface TemporalFigures {
  warpError: number;
  warpErrorAligned: number;
  flicker: number;
  motion: number;
}

export const FIGURE_NAMES = ['warpError', 'warpErrorAligned', 'flicker', 'motion'] as const;

/** Motion planes between colour frames `prev` and `cur` (w x h), measured with FIGURE_FLOW unless told otherwise. */
export function figureMotion(prev: Uint8Array, cur: Uint8Array, w: number, h: number, o: FlowOptions = FIGURE_FLOW): MotionPlanes {
  return motionPlanes(measureMotion(prev, cur, w, h, o, new Float32Array(MOTION_PLANES * w * h)), w * h);
}

/**
 * The four figures of one pair of normalised depth frames (prev = t−1, cur = t), each NaN when no pixel qualifies.
 * `m` holds the colour motion between the frames (figureMotion, or the optical-flow node's planes).
 */
export function pairFigures(prev: Float32Array, cur: Float32Array, w: number, h: number, m: MotionPlanes): TemporalFigures {
  const warped = warpBilinear(prev, w, h, m.back.u, m.back.v);
  const t = pairSums(prev, cur, warped, w * h, m);
  let aligned = NaN;
  if (t.wn > 0) {
    const vx = t.sxx - (t.sx * t.sx) / t.wn;
    const a = vx > 1e-12 ? (t.sxy - (t.sx * t.sy) / t.wn) / vx : 0;
    const b = (t.sy - a * t.sx) / t.wn;
    aligned = alignedErrorSum(cur, warped, w * h, m.backMismatch, a, b) / t.wn;
  }
  return {
    warpError: t.wn > 0 ? t.we / t.wn : NaN,
    warpErrorAligned: aligned,
    flicker: t.fn > 0 ? t.fl / t.fn : NaN,
    motion: t.mn > 0 ? t.mo / t.mn : NaN,
  };
}

// pairFigures' two loops are functions of their own, so each loop's compiled code ends where the loop does (compiled
// on the stack inside pairFigures, it left at the fit after the loop on every call; see trajectory-smooth.ts).

/** The sums pairFigures needs: changes in still and moving places, and the least-squares sums a·cur + b ≈ warped. */
function pairSums(prev: Float32Array, cur: Float32Array, warped: Float32Array, n: number, m: MotionPlanes) {
  let we = 0;
  let wn = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let fl = 0;
  let fn = 0;
  let mo = 0;
  let mn = 0;
  for (let i = 0; i < n; i++) {
    const change = m.change[i];
    if (change < STATIC_COLOUR) {
      fl += Math.abs(cur[i] - prev[i]);
      fn++;
    } else if (change > MOVING_COLOUR) {
      mo += Math.abs(cur[i] - prev[i]);
      mn++;
    }
    if (!(m.backMismatch[i] <= WARP_COLOUR_MATCH)) continue;
    const x = cur[i];
    const y = warped[i];
    we += Math.abs(x - y);
    wn++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return { we, wn, sx, sy, sxx, sxy, fl, fn, mo, mn };
}

/** Σ |a·cur + b − warped| over the pixels whose colour matches along the flow. */
function alignedErrorSum(cur: Float32Array, warped: Float32Array, n: number, mismatch: Float32Array, a: number, b: number): number {
  let e = 0;
  for (let i = 0; i < n; i++) if (mismatch[i] <= WARP_COLOUR_MATCH) e += Math.abs(a * cur[i] + b - warped[i]);
  return e;
}

/** Running means of the figures over pairs; a figure that is NaN for a pair is left out of that figure's mean. */
export class FigureAccumulator {
  private readonly sums: Record<string, number> = {};
  private readonly counts: Record<string, number> = {};

  add(f: TemporalFigures): void {
    for (const k of FIGURE_NAMES) {
      if (Number.isNaN(f[k])) continue;
      this.sums[k] = (this.sums[k] ?? 0) + f[k];
      this.counts[k] = (this.counts[k] ?? 0) + 1;
    }
  }

  /** Pairs that counted for `name`. */
  count(name: (typeof FIGURE_NAMES)[number]): number {
    return this.counts[name] ?? 0;
  }

  /** The means; NaN where no pair counted. */
  means(): TemporalFigures {
    const m = (k: (typeof FIGURE_NAMES)[number]): number => (this.counts[k] ? this.sums[k] / this.counts[k] : NaN);
    return { warpError: m('warpError'), warpErrorAligned: m('warpErrorAligned'), flicker: m('flicker'), motion: m('motion') };
  }
}

/**
 * The figures of a run of normalised depth frames with their colour at depth resolution: pairs whose second frame
 * starts a scene (`sceneStart[k]` = 1) are skipped.
 */
export function temporalFigures(depth: readonly Float32Array[], colour: readonly Uint8Array[], w: number, h: number, sceneStart?: Uint8Array): TemporalFigures {
  const acc = new FigureAccumulator();
  for (let k = 1; k < depth.length; k++) {
    if (sceneStart && sceneStart[k] === 1) continue;
    acc.add(pairFigures(depth[k - 1], depth[k], w, h, figureMotion(colour[k - 1], colour[k], w, h)));
  }
  return acc.means();
}
