/** Brings model-resolution depth to frame resolution with its edges on the frame's edges (guided filter). */
import { Type } from '@sinclair/typebox';
import type { DepthStats } from './core/types.ts';
import { defineNode } from './core/types.ts';
import { frameAt, requireChunk, requireInfo, throwIfAborted } from './lib/chunk-input.ts';
import { refineDepthFrame } from './lib/guided-upsample.ts';
import { analysisLutFor, pictureIdentity } from './lib/sdr-view.ts';

const params = Type.Object({
  radius: Type.Integer({
    default: 8,
    minimum: 1,
    maximum: 64,
    title: 'Radius',
    description: 'Guided-filter window radius in frame pixels; should exceed the blur of the upsampled depth edges.',
    ui: { widget: 'slider', step: 1 },
  }),
  epsilon: Type.Number({
    default: 0.001,
    minimum: 0.00001,
    maximum: 0.1,
    title: 'Edge threshold',
    description: 'Luminance variance below which a region counts as flat and depth is only smoothed. Lower follows fainter edges (and texture).',
    ui: { widget: 'number', step: 0.0005 },
  }),
  dilation: Type.Integer({
    default: 1,
    minimum: 0,
    maximum: 16,
    title: 'Foreground dilation',
    description: 'Pixels by which near regions grow, so object borders move with the object in the stereo warp.',
    ui: { widget: 'slider', step: 1 },
  }),
});

export const edgeRefineNode = defineNode({
  type: 'edge-refine',
  version: 2,
  label: 'Edge refine',
  category: 'refine',
  description: 'Upsamples depth to the frame size, snapping depth edges to colour edges, and slightly grows near objects.',
  inputs: [
    { name: 'depth', types: ['depth'], label: 'Depth' },
    { name: 'frames', types: ['frames'], label: 'Frames' },
  ],
  outputs: [{ name: 'depth', types: ['depth'], label: 'Depth' }],
  params,
  cache: 'memory',
  threads: 'pool',
  // Version 2 fits the filter at about the depth map's pixel count (half size under a 640x272 frame with a square
  // model input, where version 1 fitted at full size); params are unchanged.
  migrations: [{ from: 1, migrate() {} }],
  // An HDR source's `frames` are read through their SDR view (nodes/lib/sdr-view.ts); SDR keys are unchanged.
  identity: pictureIdentity(),
  async info(ctx) {
    const d = requireInfo(ctx.inputs, ctx.nodeId, 'depth');
    const f = requireInfo(ctx.inputs, ctx.nodeId, 'frames');
    return { depth: { type: 'depth', width: f.width, height: f.height, fps: d.fps, frameCount: Math.min(d.frameCount, f.frameCount), depthScale: d.depthScale, sampleAspect: f.sampleAspect, source: d.source ?? f.source } };
  },
  async run(ctx) {
    const depth = requireChunk(ctx, 'depth', 'depth');
    const frames = requireChunk(ctx, 'frames', 'frames');
    const out: Float32Array[] = [];
    const stats: DepthStats[] = [];
    const lut = analysisLutFor(ctx.inputInfo.frames?.colour);
    for (let i = ctx.start; i < ctx.end; i++) {
      throwIfAborted(ctx, i);
      const d = frameAt(depth.frames, depth.start, i, ctx, 'depth');
      const rgb = frameAt(frames.frames, frames.start, i, ctx, 'frames');
      const q = refineDepthFrame(d, depth.width, depth.height, rgb, frames.width, frames.height, ctx.params, ctx.params.dilation, lut);
      out.push(q.depth);
      stats.push(q.stats);
      ctx.progress(i - ctx.start + 1);
    }
    return { depth: { type: 'depth', start: ctx.start, width: frames.width, height: frames.height, frames: out, stats } };
  },
});
