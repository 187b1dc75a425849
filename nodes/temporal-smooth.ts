/**
 * Removes depth flicker: normalises each frame by a range smoothed over its scene (so the range does not pump when
 * the nearest object moves) and applies a temporal bilateral filter. Every output frame depends only on the frames
 * within its window, so any chunking gives the same bytes.
 */
import { Type } from '@sinclair/typebox';
import type { CutsChunk, DepthStats } from './core/types.ts';
import { defineNode } from './core/types.ts';
import { frameAt, optionalChunk, requireChunk, requireInfo, throwIfAborted } from './lib/chunk-input.ts';
import { depthStats, smoothedRange } from './lib/depth-stats.ts';
import { pairFlicker } from './lib/flicker.ts';
import { roundToFloat16 } from './lib/float16.ts';
import { sampleRgb } from './lib/sample-rgb.ts';
import { isCut, sceneSpan, type CutFlags } from './lib/scene-span.ts';
import { temporalBilateral } from './lib/temporal-bilateral.ts';

/** Frames either side the range is averaged over at normalisation = 1 (one second at 24 fps). */
export const MAX_NORMALISATION_RADIUS = 24;

const params = Type.Object({
  strength: Type.Number({
    // 0.9 rather than a gentler 0.7: whatever is not filtered passes raw noise through, and at 0.7 flicker only fell
    // by 40 % on the redwood test sequence (0.9: 59 %).
    default: 0.9,
    minimum: 0,
    maximum: 1,
    title: 'Strength',
    description: 'Blend between the input (0) and the fully filtered depth (1).',
    ui: { widget: 'slider', step: 0.05 },
  }),
  radius: Type.Integer({
    default: 4,
    minimum: 0,
    maximum: 12,
    title: 'Radius',
    description: 'Frames either side that are averaged.',
    ui: { widget: 'slider', step: 1 },
  }),
  depthSigma: Type.Number({
    default: 0.08,
    minimum: 0.01,
    maximum: 0.5,
    title: 'Depth tolerance',
    description: 'Normalised depth change still treated as noise; larger changes (moving objects) are kept.',
    ui: { widget: 'slider', step: 0.01 },
  }),
  colourSigma: Type.Number({
    default: 20,
    minimum: 0,
    maximum: 100,
    title: 'Colour tolerance',
    description: 'Colour change (0–255) still treated as the same surface; 0 ignores colour. Needs frames connected.',
    ui: { widget: 'slider', step: 1, advanced: true },
  }),
  normalisation: Type.Number({
    default: 0.5,
    minimum: 0,
    maximum: 1,
    title: 'Range smoothing',
    description: '0 normalises every frame on its own (pumps when the nearest object moves); 1 averages the depth range over about a second of its scene.',
    ui: { widget: 'slider', step: 0.05 },
  }),
});

/** Frames either side whose stats enter a frame's range. */
export function normalisationRadius(normalisation: number): number {
  return Math.round(Math.min(1, Math.max(0, normalisation)) * MAX_NORMALISATION_RADIUS);
}

/** Per-frame normalisation by the frame's own p02..p98, clamped: the "before" the flicker figure compares with. */
function normaliseOwn(d: Float32Array, s: DepthStats, out: Float32Array): Float32Array {
  const inv = s.p98 > s.p02 ? 1 / (s.p98 - s.p02) : 0;
  for (let x = 0; x < d.length; x++) {
    const v = (d[x] - s.p02) * inv;
    out[x] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

function cutFlags(c: CutsChunk | undefined): CutFlags | undefined {
  return c ? { start: c.start, flags: c.flags } : undefined;
}

export const temporalSmoothNode = defineNode({
  type: 'temporal-smooth',
  version: 1,
  label: 'Temporal smooth',
  category: 'temporal',
  description: 'Normalises depth to 0 (far) … 1 (near) with a range smoothed over time, and filters out frame-to-frame flicker without blending across scene cuts.',
  inputs: [
    { name: 'depth', types: ['depth'], label: 'Depth' },
    { name: 'frames', types: ['frames'], label: 'Frames', optional: true },
    { name: 'cuts', types: ['cuts'], label: 'Cuts', optional: true },
  ],
  outputs: [{ name: 'depth', types: ['depth'], label: 'Depth' }],
  params,
  // Model-resolution float16 is small, and keeping it on disk lets a CLI retune of refine or warp skip smoothing.
  cache: 'disk',
  migrations: [],
  window: (p) => {
    const r = Math.max(p.radius, normalisationRadius(p.normalisation));
    return { before: r, after: r };
  },
  async info(ctx) {
    const src = requireInfo(ctx.inputs, ctx.nodeId, 'depth');
    return { depth: { type: 'depth', width: src.width, height: src.height, fps: src.fps, frameCount: src.frameCount, source: src.source } };
  },
  async run(ctx) {
    const p = ctx.params;
    const depth = requireChunk(ctx, 'depth', 'depth');
    const frames = optionalChunk(ctx, 'frames', 'frames');
    const cuts = cutFlags(optionalChunk(ctx, 'cuts', 'cuts'));
    const { width: w, height: h, start: first } = depth;
    const last = first + depth.frames.length - 1;
    const stats = depth.frames.map((d, k) => depth.stats[k] ?? depthStats(d));

    // Colour at depth resolution for every depth frame, when every one of them has its frame.
    let colour: Uint8Array[] | undefined;
    if (frames && frames.start <= first && frames.start + frames.frames.length > last) {
      colour = depth.frames.map((_, k) => sampleRgb(frames.frames[first + k - frames.start], frames.width, frames.height, w, h));
    }

    const normR = normalisationRadius(p.normalisation);
    const out: Float32Array[] = [];
    const outStats: DepthStats[] = [];
    let flickerIn = 0;
    let flickerOut = 0;
    let pairs = 0;
    let prevIn: Float32Array | undefined;
    let curIn: Float32Array = new Float32Array(w * h);
    for (let i = ctx.start; i < ctx.end; i++) {
      throwIfAborted(ctx, i);
      frameAt(depth.frames, first, i, ctx, 'depth');
      const ns = sceneSpan(cuts, i, normR, first, last);
      const range = smoothedRange(stats, first, i, ns.first, ns.last, normR);
      const fs = sceneSpan(cuts, i, p.radius, first, last);
      const f = temporalBilateral(depth.frames, first, i, fs.first, fs.last, range, colour, p, new Float32Array(w * h));
      roundToFloat16(f);
      out.push(f);
      outStats.push(depthStats(f));
      if (colour) {
        normaliseOwn(depth.frames[i - first], stats[i - first], curIn);
        if (prevIn && !isCut(cuts, i)) {
          const a = pairFlicker(prevIn, curIn, colour[i - 1 - first], colour[i - first]);
          const b = pairFlicker(out[out.length - 2], f, colour[i - 1 - first], colour[i - first]);
          if (!Number.isNaN(a) && !Number.isNaN(b)) {
            flickerIn += a;
            flickerOut += b;
            pairs++;
          }
        }
        [prevIn, curIn] = [curIn, prevIn ?? new Float32Array(w * h)];
      }
      ctx.progress(i - ctx.start + 1);
    }
    if (pairs > 0) {
      ctx.stat('flickerIn', flickerIn / pairs, pairs);
      ctx.stat('flickerOut', flickerOut / pairs, pairs);
    }
    return { depth: { type: 'depth', start: ctx.start, width: w, height: h, frames: out, stats: outStats } };
  },
});
