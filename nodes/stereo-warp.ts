/** Renders the stereo pair from frames and normalised depth and packs it into the chosen layout. */
import { Type } from '@sinclair/typebox';
import type { StereoLayout } from './core/types.ts';
import { defineNode } from './core/types.ts';
import { frameAt, requireChunk, requireInfo, throwIfAborted } from './lib/chunk-input.ts';
import { resizeBilinear } from './lib/bilinear-resize.ts';
import { depthStats } from './lib/depth-stats.ts';
import { renderStereoViews, renderStereoViewsInto } from './lib/dibr.ts';
import { composeLayout, eyeSlots, layoutSize, layoutUsesEye } from './lib/stereo-layout.ts';
import { sharedBytes } from './lib/shared-frames.ts';
import { unitDepth } from './lib/depth-normalise.ts';

const LAYOUTS = ['sbs-full', 'sbs-half', 'tb-full', 'tb-half', 'anaglyph', 'cross-eyed', 'left', 'right', 'depth'] as const satisfies readonly StereoLayout[];

const params = Type.Object({
  divergence: Type.Number({
    default: 2,
    minimum: 0,
    maximum: 10,
    title: 'Divergence',
    description: 'Strength of the 3D effect: separation between the eyes across the full depth range, in % of the frame width.',
    ui: { widget: 'slider', step: 0.1 },
  }),
  convergence: Type.Number({
    default: 0.5,
    minimum: 0,
    maximum: 1,
    title: 'Convergence',
    description: 'Which depth sits on the screen plane: 0 the nearest (everything behind the screen), 1 the farthest (everything in front).',
    ui: { widget: 'slider', step: 0.05 },
  }),
  foregroundScale: Type.Number({
    default: 0,
    minimum: 0,
    maximum: 3,
    title: 'Foreground pop',
    description: 'Extra separation for what lies in front of the screen plane (1 doubles it).',
    ui: { widget: 'slider', step: 0.1, advanced: true },
  }),
  views: Type.Union([Type.Literal('both'), Type.Literal('left'), Type.Literal('right')], {
    default: 'both',
    title: 'Synthesised views',
    description: 'both: each eye shifted by half; left/right: only that eye is synthesised, the source frame is the other.',
    ui: { widget: 'select', advanced: true },
  }),
  layout: Type.Union(
    LAYOUTS.map((l) => Type.Literal(l)),
    { default: 'sbs-full', title: 'Layout', description: 'How the two eyes are packed into the output frame.', ui: { widget: 'select' } },
  ),
  preserveBorders: Type.Boolean({
    default: false,
    title: 'Preserve borders',
    description: 'Fade the effect out at the left and right edges, so objects are not cut by the frame edge and no fill shows there.',
    ui: { widget: 'toggle' },
  }),
});


export const stereoWarpNode = defineNode({
  type: 'stereo-warp',
  version: 2,
  label: 'Stereo warp',
  category: 'stereo',
  description: 'Synthesises the left and right views by shifting pixels by their depth (nearest surface wins, holes filled from the background) and packs them into a stereo layout.',
  inputs: [
    { name: 'frames', types: ['frames'], label: 'Frames' },
    { name: 'depth', types: ['depth'], label: 'Depth' },
  ],
  outputs: [{ name: 'frames', types: ['frames'], label: 'Stereo frames' }],
  params,
  cache: 'memory',
  threads: 'pool',
  migrations: [
    // Version 2 splats into float64 row buffers (a level's difference in a few pixels per million); params are unchanged.
    { from: 1, migrate() {} },
  ],
  async info(ctx) {
    const f = requireInfo(ctx.inputs, ctx.nodeId, 'frames');
    const d = requireInfo(ctx.inputs, ctx.nodeId, 'depth');
    const layout = ctx.params.layout as StereoLayout;
    const size = layoutSize(layout, f.width, f.height);
    return { frames: { type: 'frames', ...size, fps: f.fps, frameCount: Math.min(f.frameCount, d.frameCount), layout, sampleAspect: f.sampleAspect, colour: f.colour, source: f.source } };
  },
  async run(ctx) {
    const p = ctx.params;
    const layout = p.layout as StereoLayout;
    const frames = requireChunk(ctx, 'frames', 'frames');
    const depth = requireChunk(ctx, 'depth', 'depth');
    const { width: w, height: h } = frames;
    const need = { left: layoutUsesEye(layout, 'left'), right: layoutUsesEye(layout, 'right') };
    const out: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) {
      throwIfAborted(ctx, i);
      const rgb = frameAt(frames.frames, frames.start, i, ctx, 'frames');
      const raw = frameAt(depth.frames, depth.start, i, ctx, 'depth');
      const stats = depth.stats[i - depth.start] ?? depthStats(raw);
      const unit = unitDepth(raw, stats, ctx.inputInfo.depth?.depthScale);
      // Refined depth is already at the frame's size: read as it is (a copy was 8 MB a frame at 1080p).
      const n = depth.width === w && depth.height === h ? unit : resizeBilinear(unit, depth.width, depth.height, w, h);
      const slots = eyeSlots(layout, w, h);
      if (layout === 'depth') {
        out.push(composeLayout(layout, w, h, undefined, undefined, n));
      } else if (slots) {
        const size = layoutSize(layout, w, h);
        out.push(renderStereoViewsInto(rgb, n, w, h, p, p.views, sharedBytes(size.width * size.height * 3), slots));
      } else {
        const eyes = renderStereoViews(rgb, n, w, h, p, p.views, need);
        out.push(composeLayout(layout, w, h, eyes.left, eyes.right));
      }
      ctx.progress(i - ctx.start + 1);
    }
    const size = layoutSize(layout, w, h);
    return { frames: { type: 'frames', start: ctx.start, width: size.width, height: size.height, frames: out } };
  },
});
