import { describe, expect, it } from 'vitest';
import type { DepthChunk, FramesChunk, StereoLayout } from '../../nodes/core/types.ts';
import { stereoWarpNode } from '../../nodes/stereo-warp.ts';
import { depthStats } from '../../nodes/lib/depth-stats.ts';
import { runNode, withDefaults, withDepthScale } from './fake-run-context.ts';

describe('stereo-warp node', () => {
  const W = 200;
  const H = 20;
  // Columns numbered in red so the source column of any output pixel can be read back.
  const frame = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) frame.set([x, 100, 50], (y * W + x) * 3);
  const frames: FramesChunk = { type: 'frames', start: 0, width: W, height: H, frames: [frame, frame] };
  // Model-resolution depth (50x5): everything near (1.0).
  const near = new Float32Array(50 * 5).fill(1);
  // Normalised depth, as temporal-smooth and edge-refine deliver it.
  const depth: DepthChunk = withDepthScale({ type: 'depth', start: 0, width: 50, height: 5, frames: [near, near], stats: [depthStats(near), depthStats(near)] }, 'unit');

  it('reports the layout and its frame size', async () => {
    const sizes: Partial<Record<StereoLayout, [number, number]>> = { 'sbs-full': [400, 20], 'sbs-half': [200, 20], 'tb-full': [200, 40], anaglyph: [200, 20], depth: [200, 20] };
    for (const [layout, [w, h]] of Object.entries(sizes) as [StereoLayout, [number, number]][]) {
      const info = await stereoWarpNode.info({
        nodeId: 'w',
        params: withDefaults(stereoWarpNode, { layout }),
        inputs: { frames: { type: 'frames', width: W, height: H, fps: 25, frameCount: 2 }, depth: { type: 'depth', width: 50, height: 5, fps: 25, frameCount: 2 } },
        services: {} as never,
      });
      expect(info.frames, layout).toMatchObject({ type: 'frames', width: w, height: h, layout, frameCount: 2 });
    }
  });

  it('normalises raw model depth by its robust range even when its values happen to lie in 0..1', async () => {
    // Raw depth of 0.4 (far, left half) and 0.6 (near, right half): normalised, 0.6 is the nearest depth (1), so
    // it moves 2 px as the all-near plane does; read as if it were already normalised it would move under 1 px.
    const raw = new Float32Array(50 * 5).map((_, k) => (k % 50 < 25 ? 0.4 : 0.6));
    const rawDepth = withDepthScale<DepthChunk>({ type: 'depth', start: 0, width: 50, height: 5, frames: [raw, raw], stats: [depthStats(raw), depthStats(raw)] }, 'raw');
    const { result } = await runNode(stereoWarpNode, { divergence: 4, convergence: 0.5, preserveBorders: false }, { frames, depth: rawDepth }, 0, 1);
    const out = result.frames as FramesChunk;
    expect(out.frames[0][(10 * 400 + 170) * 3]).toBe(168);
  });

  it('shifts a near plane by half the divergence in each eye of a side-by-side frame', async () => {
    // divergence 4 % of 200 px = 8 px over the full depth range; convergence 0.5 puts the screen at depth 0.5, so
    // depth 1 has 4 px between the eyes: +2 px in the left eye, -2 px in the right.
    const { result } = await runNode(stereoWarpNode, { divergence: 4, convergence: 0.5 }, { frames, depth }, 1, 2);
    const out = result.frames as FramesChunk;
    expect([out.start, out.width, out.height, out.frames.length]).toEqual([1, 400, 20, 1]);
    const red = (x: number) => out.frames[0][(10 * 400 + x) * 3];
    expect(red(100)).toBe(98); // left eye: content moved right by 2
    expect(red(200 + 100)).toBe(102); // right eye: moved left by 2
  });

  it('with convergence 0 keeps the nearest plane on the screen (no shift)', async () => {
    const { result } = await runNode(stereoWarpNode, { divergence: 4, convergence: 0, layout: 'sbs-full' }, { frames, depth }, 0, 1);
    const out = (result.frames as FramesChunk).frames[0];
    expect(out[(10 * 400 + 100) * 3]).toBe(100);
    expect(out[(10 * 400 + 300) * 3]).toBe(100);
  });

  it('renders the depth layout as grey and a single eye as a source-size frame', async () => {
    const g = (await runNode(stereoWarpNode, { layout: 'depth' }, { frames, depth }, 0, 1)).result.frames as FramesChunk;
    expect(Array.from(g.frames[0].subarray(0, 3))).toEqual([255, 255, 255]);
    const r = (await runNode(stereoWarpNode, { layout: 'right', divergence: 4 }, { frames, depth }, 0, 1)).result.frames as FramesChunk;
    expect([r.width, r.height]).toEqual([200, 20]);
    expect(r.frames[0][(10 * 200 + 100) * 3]).toBe(102);
    // Synthesising only the right eye gives it the whole 4 px.
    const full = (await runNode(stereoWarpNode, { layout: 'right', divergence: 4, views: 'right' }, { frames, depth }, 0, 1)).result.frames as FramesChunk;
    expect(full.frames[0][(10 * 200 + 100) * 3]).toBe(104);
  });
});
