/**
 * Removes depth flicker along motion: each frame's depth is normalised and aligned in scale and shift to its
 * neighbours (so the range neither pumps on fades nor when the nearest object moves), then filtered by recursions
 * that run forward and backward along the optical flow within the scene. Every output frame depends only on the
 * frames within its window, so any chunking gives the same bytes; no window reaches across a cut.
 */
import { Type } from '@sinclair/typebox';
import type { CutsChunk, DepthStats } from './core/types.ts';
import { defineNode } from './core/types.ts';
import { AneloError } from './core/errors.ts';
import { optionalChunk, requireChunk, requireInfo, throwIfAborted } from './lib/chunk-input.ts';
import { depthStats } from './lib/depth-stats.ts';
import { roundToFloat16 } from './lib/float16.ts';
import { MOTION_PLANES, motionFits, motionPlanes, type MotionPlanes } from './lib/motion-planes.ts';
import { sampleRgb } from './lib/sample-rgb.ts';
import { analysisLutFor, applyLut, pictureIdentity } from './lib/sdr-view.ts';
import { compose, fitToPrevious, IDENTITY, invert, type Affine } from './lib/scale-shift.ts';
import { isCut, sceneSpan, type CutFlags } from './lib/scene-span.ts';
import { FigureAccumulator, FIGURE_NAMES, pairFigures, WARP_COLOUR_MATCH } from './lib/temporal-figures.ts';
import { motionGrid, stepTables, type AffineDepth, type MotionGrid } from './lib/trajectory-filter.ts';
import { smoothAlongTrajectories, trajectoryReach } from './lib/trajectory-smooth.ts';

/** Frames either side whose scale and shift are averaged at normalisation = 1 (one second at 24 fps). */
export const MAX_NORMALISATION_RADIUS = 24;
/** Share of the carried state at strength 1: the longest memory the recursion can have (about 20 frames). */
const MAX_MEMORY = 0.95;
/**
 * A frame whose depth differs by about this much (normalised) from what its past and future agree on is the model's
 * own mistake, not a change: measured on bikes-cuts, 0.1 and 0.2 gave the same figures, and it lowered flicker on
 * every shared clip (bikes-cuts 0.48 → 0.45 of raw).
 */
const OUTLIER_TOLERANCE = 0.15;

const params = Type.Object({
  strength: Type.Number({
    // 1 (the longest memory): with motion judged at the depth size (optical-flow v2), moving pixels keep the
    // current frame by themselves, so the rest can carry more; measured on the shared clips it lowered bikes-cuts'
    // warpErrorAligned from 0.50 to 0.48 of raw at the same motion figure.
    default: 1,
    minimum: 0,
    maximum: 1,
    title: 'Strength',
    description: 'How much of the depth carried along the motion is kept at a matching pixel: 0 = input unchanged, 1 = the longest memory.',
    ui: { widget: 'slider', step: 0.05 },
  }),
  radius: Type.Integer({
    // 24: each frame's two recursions carry up to `radius` frames of history, and 16 left fast motion at the edge
    // (bbb-60s at twice the speed: warpErrorAligned 0.50 of raw). Over thirteen clips (bikes-cuts, carphone,
    // bbb-5s-720p, bbb-60s segments, copies at twice the speed, zooming and rotating) 24 lowered warpErrorAligned by
    // 0.02–0.11 and flicker by 0.03–0.11 with every motion figure the same to the digit; a render takes no longer,
    // a preview of a new frame reads up to 12 more frames of depth (docs/nodes.md, Window). Graphs saved with 16
    // keep it.
    default: 24,
    minimum: 0,
    maximum: 32,
    title: 'Radius',
    description: 'Frames either side the filter can reach. Longer is steadier and costs no more per frame, but a preview reads more frames.',
    ui: { widget: 'slider', step: 1 },
  }),
  depthSigma: Type.Number({
    // 1, far above FastDepth's frame-to-frame noise (~0.07 on static pixels): measured on the shared clips, 0.3 → 0.6
    // took bikes-cuts' warpError from 0.51 to 0.44 of raw with the motion figure unchanged (0.97), and 0.6 → 1 its
    // warpErrorAligned from 0.51 to 0.48 (bbb-60s' motion figure unchanged, 0.87); colour along the flow and the
    // motion caution are what keep genuine changes.
    default: 1,
    minimum: 0.01,
    maximum: 1,
    title: 'Depth tolerance',
    description: 'Normalised depth change along the motion still treated as noise; larger changes (genuine depth changes) are kept.',
    ui: { widget: 'slider', step: 0.01 },
  }),
  colourSigma: Type.Number({
    default: 20,
    minimum: 0,
    maximum: 100,
    title: 'Colour tolerance',
    description: 'Colour change along the motion (0–255) still treated as the same surface; 0 ignores colour. Needs motion or frames connected.',
    ui: { widget: 'slider', step: 1, advanced: true },
  }),
  motionSigma: Type.Number({
    // 18: the in-place colour change (at the depth size) from which a pixel counts as moving. Measured on the shared
    // clips with the ramp of lib/trajectory-filter.ts: 18 keeps bbb-60s' motion figure at 0.9 of raw, 22 lets it
    // fall to 0.82, while bikes-cuts' warpErrorAligned goes 0.48 → 0.47.
    default: 18,
    minimum: 0,
    maximum: 100,
    title: 'Motion caution',
    description: 'Colour change in place (0–255) from which the carried share falls, to nothing at twice it: where the picture moves, depth may truly change and flow is least sure (motion edges), so moving pixels keep the current frame. 0 turns this off. Needs motion connected.',
    ui: { widget: 'slider', step: 1, advanced: true },
  }),
  grain: Type.Number({
    // 4: measured on copies of the shared clips with ffmpeg's noise (strength 12–15, grain level 9–13) along the
    // clean clips' flow, warpErrorAligned of bikes-cuts went 0.77 → 0.39 of raw and flicker 0.65 → 0.28, with the
    // motion figure 0.94 → 0.89 (and, on every grainy copy, above the clean clip's raw motion figure: what is lost
    // is grain's flicker at moving pixels, not genuine change); clean footage reads below the floor and is unchanged.
    default: 4,
    minimum: 0,
    maximum: 10,
    title: 'Grain allowance',
    description: 'Colour levels the motion caution moves up for each level of grain (film grain, sensor noise) above what clean footage shows: grain changes every pixel in place and would otherwise read as motion everywhere, leaving grainy footage unsmoothed. 0 turns this off. Needs motion connected.',
    ui: { widget: 'slider', step: 0.5, advanced: true },
  }),
  normalisation: Type.Number({
    // 0.1 (two frames either side): measured on the shared clips against 0.25, bikes-cuts' warpErrorAligned went
    // 0.49 → 0.45 of raw and flicker 0.37 → 0.30, the other clips within 0.01, and a frame's window shrinks by
    // four frames either side (what a preview must compute).
    default: 0.1,
    minimum: 0,
    maximum: 1,
    title: 'Range smoothing',
    description: '0 normalises every frame on its own (pumps on fades and when the nearest object moves); 1 aligns each frame in scale and shift to about a second of its scene.',
    ui: { widget: 'slider', step: 0.05 },
  }),
});

/** Frames either side whose scale and shift enter a frame's alignment. */
export function normalisationRadius(normalisation: number): number {
  return Math.round(Math.min(1, Math.max(0, normalisation)) * MAX_NORMALISATION_RADIUS);
}

/** map(d) clamped to 0..1, in place: a frame normalised by its own p02..p98 is the "before" the figures compare with. */
function applyClamped(d: Float32Array, map: Affine): Float32Array {
  for (let x = 0; x < d.length; x++) {
    const v = map.scale * d[x] + map.shift;
    d[x] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return d;
}

/** A depth-size frame read at the centres of the motion grid (wm x hm), so figures can use the motion planes. */
function sampleAt(d: Float32Array, grid: MotionGrid, w: number, wm: number, hm: number): Float32Array {
  const out = new Float32Array(wm * hm);
  const sx = grid.sx;
  const sy = grid.sy;
  for (let y = 0; y < hm; y++) {
    const row = Math.min(Math.floor((y + 0.5) * sy), Math.round(hm * sy) - 1) * w;
    for (let x = 0; x < wm; x++) out[y * wm + x] = d[row + Math.min(Math.floor((x + 0.5) * sx), w - 1)];
  }
  return out;
}

function cutFlags(c: CutsChunk | undefined): CutFlags | undefined {
  return c ? { start: c.start, flags: c.flags } : undefined;
}

/** Max-channel colour change at the same position: the trust test when no motion stream is connected. */
function stillMismatch(a: Uint8Array, b: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0, c = 0; i < n; i++, c += 3) {
    const dr = Math.abs(a[c] - b[c]);
    const dg = Math.abs(a[c + 1] - b[c + 1]);
    const db = Math.abs(a[c + 2] - b[c + 2]);
    out[i] = dr > dg ? (dr > db ? dr : db) : dg > db ? dg : db;
  }
  return out;
}

/** Memoises a per-frame computation over the frames of one chunk. */
function perFrame<T>(make: (j: number) => T): (j: number) => T {
  const memo = new Map<number, T>();
  return (j) => {
    let v = memo.get(j);
    if (v === undefined) {
      v = make(j);
      memo.set(j, v);
    }
    return v;
  };
}

/**
 * Clamps the first n values to 0..1. A function of its own, not a loop in run: compiled on the stack inside run, the
 * loop left its compiled code at the figures after it on every chunk and compiled run again (see trajectory-smooth.ts).
 */
function clampUnit(f: Float32Array, n: number): void {
  for (let x = 0; x < n; x++) f[x] = f[x] < 0 ? 0 : f[x] > 1 ? 1 : f[x];
}

export const temporalSmoothNode = defineNode({
  type: 'temporal-smooth',
  version: 5,
  label: 'Temporal smooth',
  category: 'temporal',
  description:
    'Normalises depth to 0 (far) … 1 (near), aligned in scale and shift over time, and filters out frame-to-frame flicker along the optical flow without blending across scene cuts.',
  inputs: [
    { name: 'depth', types: ['depth'], label: 'Depth' },
    { name: 'motion', types: ['depth'], label: 'Motion (optical-flow)', optional: true },
    { name: 'frames', types: ['frames'], label: 'Frames', optional: true },
    { name: 'cuts', types: ['cuts'], label: 'Cuts', optional: true },
  ],
  outputs: [{ name: 'depth', types: ['depth'], label: 'Depth' }],
  params,
  // Model-resolution float16 is small, and keeping it on disk lets a CLI retune of refine or warp skip smoothing.
  cache: 'disk',
  threads: 'pool',
  // 32-frame pieces: a 16-frame piece re-ran ~half a restart period of the recursion on each side and re-fitted
  // the alignment of 36 frames around it; measured through the executor at 518x292, 0.75 of the CPU per frame. In
  // frames, not chunks: its inputs are depth-sized whatever the video's size, while chunks of big frames are short
  // (2 frames at 4K warped to full side-by-side, which would have re-run the recursion some 7 times a frame).
  pieceFrames: 32,
  migrations: [
    {
      // Version 2 filters along the optical flow with a recursion: the old Gaussian radius and the depth tolerance
      // (tuned below FastDepth's own frame-to-frame noise) mean something else now, so they take the new defaults.
      from: 1,
      migrate(p) {
        delete p.radius;
        delete p.depthSigma;
      },
    },
    // Version 3 replaces lone outlier frames by what their neighbours agree on; params are unchanged.
    { from: 2, migrate() {} },
    {
      // Version 4 reads motion at the depth size and ramps the motion caution down from motionSigma instead of a
      // Gaussian, so a saved motionSigma means something else: it takes the new default.
      from: 3,
      migrate(p) {
        delete p.motionSigma;
      },
    },
    // Version 5 adds the grain allowance (a graph saved before it gets the default, which leaves clean footage as it was).
    { from: 4, migrate() {} },
  ],
  // An HDR source's `frames` are read through their SDR view (nodes/lib/sdr-view.ts); SDR keys are unchanged.
  identity: pictureIdentity(),
  window: (p) => {
    const r = p.radius + normalisationRadius(p.normalisation);
    return { before: r, after: r };
  },
  // What [a, b) really reads: the frames the recursions visit (from the restart before a to the one after b − 1,
  // on average half the radius either side, not all of it), each with its alignment's neighbours, and the motion
  // at b (the forward pass's caution at b − 1 looks at the change that follows it). A preview of one frame thus
  // computes 16–41 frames of depth and flow upstream (29 on average) at the defaults instead of 53.
  reach: (p, a, b) => {
    const r = normalisationRadius(p.normalisation);
    const [first, last] = trajectoryReach(p.radius, a, b);
    return [first - r, Math.max(last + r + 1, b + 1)];
  },
  async info(ctx) {
    const src = requireInfo(ctx.inputs, ctx.nodeId, 'depth');
    const motion = ctx.inputs.motion;
    if (motion && !motionFits(src.width, src.height, motion.width, motion.height)) {
      throw new AneloError('ANELO_E160_MOTION_MISMATCH', `Motion input of node ${ctx.nodeId} is ${motion.width}x${motion.height}, expected the depth size ${src.width}x${src.height} or a halving of it, times ${MOTION_PLANES} planes (optical-flow fed the same depth)`, { nodeId: ctx.nodeId, port: 'motion' });
    }
    return { depth: { type: 'depth', width: src.width, height: src.height, fps: src.fps, frameCount: src.frameCount, depthScale: 'unit', source: src.source } };
  },
  async run(ctx) {
    const p = ctx.params;
    const depth = requireChunk(ctx, 'depth', 'depth');
    const motionChunk = optionalChunk(ctx, 'motion', 'depth');
    const frames = optionalChunk(ctx, 'frames', 'frames');
    const cuts = cutFlags(optionalChunk(ctx, 'cuts', 'cuts'));
    const { width: w, height: h, start: first } = depth;
    const n = w * h;
    const last = first + depth.frames.length - 1;
    const streamLast = (ctx.inputInfo.depth?.frameCount ?? last + 1) - 1;
    if (motionChunk && !motionFits(w, h, motionChunk.width, motionChunk.height)) {
      throw new AneloError('ANELO_E160_MOTION_MISMATCH', `Motion input of node ${ctx.nodeId} is ${motionChunk.width}x${motionChunk.height}, not a motion stream of this ${w}x${h} depth`, { nodeId: ctx.nodeId, port: 'motion' });
    }
    const depthAt = (j: number): Float32Array => {
      const f = depth.frames[j - first];
      if (!f) throw new AneloError('ANELO_E033_FRAME_OUT_OF_RANGE', `Input "depth" of node ${ctx.nodeId} lacks frame ${j}`, { nodeId: ctx.nodeId, port: 'depth', frame: j });
      return f;
    };
    const stats = (j: number): DepthStats => depth.stats[j - first] ?? depthStats(depthAt(j));
    // Own normalisation of frame j as an affine map of its raw depth: p02 → 0, p98 → 1.
    const ownMap = (j: number): Affine => {
      const s = stats(j);
      const inv = s.p98 > s.p02 ? 1 / (s.p98 - s.p02) : 0;
      return { scale: inv, shift: -s.p02 * inv };
    };
    const wm = motionChunk ? motionChunk.width : w;
    const hm = motionChunk ? motionChunk.height / MOTION_PLANES : h;
    const grid = motionChunk ? motionGrid(w, h, wm, hm) : undefined;
    const motion = perFrame((j): MotionPlanes | undefined => {
      const buf = motionChunk?.frames[j - motionChunk.start];
      return buf ? motionPlanes(buf, wm * hm) : undefined;
    });
    const hasColour = !motionChunk && frames !== undefined && frames.start <= first && frames.start + frames.frames.length > last;
    const lut = analysisLutFor(ctx.inputInfo.frames?.colour);
    const colour = perFrame((j) => {
      const rgb = sampleRgb(frames!.frames[j - frames!.start], frames!.width, frames!.height, w, h);
      return lut ? applyLut(rgb, lut) : rgb;
    });
    const still = perFrame((j): Float32Array | undefined => (hasColour && j > first ? stillMismatch(colour(j - 1), colour(j), n) : undefined));

    // Scale and shift of each frame's normalised depth onto its predecessor's (fitted on raw depth, then carried
    // into the normalised scale), and each frame's map into the mean normalisation of its neighbours:
    // z_i = g_i(own_i), where g_i averages the chained maps from frame i into each neighbour of its scene.
    const toPrev = perFrame((j): Affine | undefined => {
      // A flat frame (a black one) has no own scale to carry anything into.
      if (j <= first || isCut(cuts, j) || ownMap(j).scale === 0 || ownMap(j - 1).scale === 0) return undefined;
      const m = motion(j);
      const raw = m
        ? fitToPrevious(depthAt(j), depthAt(j - 1), w, h, m.back, grid, m.backMismatch, m.change, WARP_COLOUR_MATCH)
        : fitToPrevious(depthAt(j), depthAt(j - 1), w, h, undefined, undefined, still(j), undefined, WARP_COLOUR_MATCH);
      if (raw === IDENTITY) return undefined;
      return compose(ownMap(j - 1), compose(raw, invert(ownMap(j))));
    });
    const normR = normalisationRadius(p.normalisation);
    const sigma = Math.max(normR / 2, 0.5);
    const alignment = perFrame((i): Affine => {
      const span = sceneSpan(cuts, i, normR, first, last);
      let scale = 1;
      let shift = 0;
      let wsum = 1;
      let c: Affine = IDENTITY;
      for (let j = i - 1; j >= span.first; j--) {
        c = compose(toPrev(j + 1) ?? IDENTITY, c);
        const wt = Math.exp(-((j - i) * (j - i)) / (2 * sigma * sigma));
        scale += wt * c.scale;
        shift += wt * c.shift;
        wsum += wt;
      }
      c = IDENTITY;
      for (let j = i + 1; j <= span.last; j++) {
        c = compose(invert(toPrev(j) ?? IDENTITY), c);
        const wt = Math.exp(-((j - i) * (j - i)) / (2 * sigma * sigma));
        scale += wt * c.scale;
        shift += wt * c.shift;
        wsum += wt;
      }
      return compose({ scale: scale / wsum, shift: shift / wsum }, ownMap(i));
    });
    // A frame's aligned depth is one multiply-add a pixel away from its raw depth: the filter applies it where it
    // reads a pixel, so no aligned frame is ever written out.
    const aligned = (i: number): AffineDepth => {
      const g = alignment(i);
      return { d: depthAt(i), scale: g.scale, shift: g.shift };
    };

    throwIfAborted(ctx, ctx.start);
    const tables = stepTables({ memory: MAX_MEMORY * p.strength, depthSigma: p.depthSigma, colourSigma: motionChunk || hasColour ? p.colourSigma : 0, motionSigma: motionChunk ? p.motionSigma : 0, outlierTolerance: OUTLIER_TOLERANCE });
    const filtered = smoothAlongTrajectories(
      { w, h, depth: aligned, motion, grid, stillMismatch: still, isCut: (j) => isCut(cuts, j), last: Math.min(streamLast, last), first },
      ctx.start,
      ctx.end,
      p.radius,
      tables,
      motionChunk ? p.grain : 0,
    );
    throwIfAborted(ctx, ctx.end - 1);

    const out: Float32Array[] = [];
    const outStats: DepthStats[] = [];
    const before = new FigureAccumulator();
    const after = new FigureAccumulator();
    // Read at the motion grid first: the figures never look at the other depth pixels.
    const own = (j: number): Float32Array => applyClamped(sampleAt(depthAt(j), grid!, w, wm, hm), ownMap(j));
    for (let i = ctx.start; i < ctx.end; i++) {
      const f = filtered[i - ctx.start];
      clampUnit(f, n);
      roundToFloat16(f);
      out.push(f);
      outStats.push(depthStats(f));
      // The independent figures (lib/temporal-figures.ts) along this run's own motion, at the motion size, for
      // pairs inside the chunk ending on an even frame: a sample that halves their cost and does not depend on
      // how frames are split into chunks (beyond the pairs that straddle two).
      const m = motion(i);
      if (m && grid && i > ctx.start && i % 2 === 0 && !isCut(cuts, i)) {
        const at = (d: Float32Array): Float32Array => sampleAt(d, grid, w, wm, hm);
        before.add(pairFigures(own(i - 1), own(i), wm, hm, m));
        after.add(pairFigures(at(out[out.length - 2]), at(f), wm, hm, m));
      }
      ctx.progress(i - ctx.start + 1);
    }
    const b = before.means();
    const a = after.means();
    for (const k of FIGURE_NAMES) {
      const pairs = Math.min(before.count(k), after.count(k));
      if (pairs === 0) continue;
      ctx.stat(`${k}In`, b[k], pairs);
      ctx.stat(`${k}Out`, a[k], pairs);
    }
    return { depth: { type: 'depth', start: ctx.start, width: w, height: h, frames: out, stats: outStats } };
  },
});
