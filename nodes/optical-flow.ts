/**
 * Dense optical flow between consecutive frames at depth resolution, both ways, with a forward–backward check and
 * the colour match along it: what temporal-smooth follows to filter along trajectories instead of image positions.
 * Its own cached stage, so retuning the filter never recomputes flow (nor depth).
 */
import { Type } from '@sinclair/typebox';
import { defineNode } from './core/types.ts';
import { areaResizeRgb } from './lib/area-resize-rgb.ts';
import { analysisLutFor, applyLut, pictureIdentity } from './lib/sdr-view.ts';
import { requireChunk, requireInfo, throwIfAborted } from './lib/chunk-input.ts';
import { measureMotion, MOTION_PLANES, motionPlanes, motionSize, noMotion, pooledChange } from './lib/motion-planes.ts';
import { roundToFloat16 } from './lib/float16.ts';
import { sharedFloats } from './lib/shared-frames.ts';

/**
 * Forward–backward tolerance (px²) for the filter: looser than the 0.5 of the figures, because depth is smooth and a
 * pixel of disagreement on a flat area carries the right depth anyway; occlusions still fail by far more.
 */
const FILTER_SLACK = 2;

const params = Type.Object({
  iterations: Type.Integer({
    default: 2,
    minimum: 1,
    maximum: 4,
    title: 'Refinements',
    description: 'Refinements of the flow at each scale. More follow fast motion a little better and cost more.',
    ui: { widget: 'slider', step: 1, advanced: true },
  }),
  patch: Type.Integer({
    default: 3,
    minimum: 1,
    maximum: 8,
    title: 'Window radius',
    description: 'Pixels either side whose motion is assumed equal: larger is steadier on flat areas, blurrier at motion edges.',
    ui: { widget: 'slider', step: 1, advanced: true },
  }),
  detail: Type.Integer({
    default: 20000,
    minimum: 2000,
    maximum: 500000,
    title: 'Solved pixels',
    description: 'The flow is solved on the depth map halved until at most this many pixels remain, and read back at depth size.',
    ui: { widget: 'number', step: 1000, advanced: true },
  }),
});

export const opticalFlowNode = defineNode({
  type: 'optical-flow',
  version: 3,
  label: 'Optical flow',
  category: 'temporal',
  description:
    'Motion between consecutive frames at depth resolution (both ways, checked against each other), for temporal smoothing along trajectories. ' +
    'The output is a motion stream for temporal-smooth, not a depth map.',
  inputs: [
    { name: 'frames', types: ['frames'], label: 'Frames' },
    { name: 'depth', types: ['depth'], label: 'Depth (for its size)', infoOnly: true },
  ],
  // Seven planes per frame travel as a depth-typed stream (see lib/motion-planes.ts): the engine caches them as float16.
  outputs: [{ name: 'motion', types: ['depth'], label: 'Motion' }],
  params,
  cache: 'disk',
  threads: 'pool',
  migrations: [
    // Version 2 adds the eighth plane (colour change at the depth size); params are unchanged.
    { from: 1, migrate() {} },
    // Version 3 solves the flow at half the motion size and reads it back there; params are unchanged.
    { from: 2, migrate() {} },
  ],
  window: () => ({ before: 1, after: 0 }),
  // An HDR source's `frames` are read through their SDR view (nodes/lib/sdr-view.ts); SDR keys are unchanged.
  identity: pictureIdentity(),
  async info(ctx) {
    const frames = requireInfo(ctx.inputs, ctx.nodeId, 'frames');
    const depth = requireInfo(ctx.inputs, ctx.nodeId, 'depth');
    const m = motionSize(depth.width, depth.height, ctx.params.detail);
    return { motion: { type: 'depth', width: m.width, height: m.height * MOTION_PLANES, fps: frames.fps, frameCount: frames.frameCount, source: frames.source } };
  },
  async run(ctx) {
    const frames = requireChunk(ctx, 'frames', 'frames');
    const depthInfo = requireInfo(ctx.inputInfo, ctx.nodeId, 'depth');
    const { width: w, height: h } = motionSize(depthInfo.width, depthInfo.height, ctx.params.detail);
    // Solved down to half the motion size and upsampled: half the cost, the same smoothing (see docs/nodes.md).
    const opts = { iterations: ctx.params.iterations, radius: ctx.params.patch, finestLevel: 1 };
    const { width: dw, height: dh } = depthInfo;
    const pooled = dw !== w || dh !== h;
    // Colour at the depth size, where the moving plane is measured; the motion size is taken from it, which costs
    // far less than a second pass over the source frame.
    const lut = analysisLutFor(ctx.inputInfo.frames?.colour);
    const colour = (i: number): { full: Uint8Array; small: Uint8Array } => {
      const full = areaResizeRgb(frames.frames[i - frames.start], frames.width, frames.height, dw, dh);
      if (lut) applyLut(full, lut, full);
      return { full, small: pooled ? areaResizeRgb(full, dw, dh, w, h) : full };
    };
    const out: Float32Array[] = [];
    let prev = ctx.start > frames.start ? colour(ctx.start - 1) : undefined;
    for (let i = ctx.start; i < ctx.end; i++) {
      throwIfAborted(ctx, i);
      const cur = colour(i);
      const buf = sharedFloats(MOTION_PLANES * w * h);
      if (prev) {
        measureMotion(prev.small, cur.small, w, h, opts, buf, FILTER_SLACK);
        if (pooled) pooledChange(prev.full, cur.full, dw, dh, w, h, motionPlanes(buf, w * h).moving);
      } else noMotion(w, h, buf);
      out.push(roundToFloat16(buf));
      prev = cur;
      ctx.progress(i - ctx.start + 1);
    }
    const stats = out.map(() => ({ min: 0, max: 0, p02: 0, p50: 0, p98: 0 }));
    return { motion: { type: 'depth', start: ctx.start, width: w, height: h * MOTION_PLANES, frames: out, stats } };
  },
});
