import { describe, expect, it } from 'vitest';
import { alignDepth, compareNode } from '../../nodes/compare.ts';
import type { DepthChunk, FramesChunk, MediaService, RunContext, StreamInfo } from '../../nodes/core/types.ts';
import { depthStats } from '../../nodes/lib/depth-stats.ts';

type Params = Parameters<NonNullable<typeof compareNode.run>>[0]['params'];

function depthChunk(frames: Float32Array[], w: number, h: number): DepthChunk {
  return { type: 'depth', start: 0, width: w, height: h, frames, stats: frames.map((f) => depthStats(f)) };
}

function ramp(w: number, h: number, f: (v: number) => number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = f(1 + x + y);
  return out;
}

function ctx(inputs: RunContext<Params>['inputs'], stats: Record<string, number[]>): RunContext<Params> {
  const info: StreamInfo = { type: 'depth', width: 8, height: 4, fps: 25, frameCount: 1 };
  return {
    nodeId: 'c', params: {}, start: 0, end: 1, info: {}, inputInfo: { a: info, b: info }, inputs,
    services: { media: {} as MediaService }, signal: new AbortController().signal, progress: () => {},
    stat: (name, v) => (stats[name] ??= []).push(v),
  };
}

describe('compare node', () => {
  it('aligns b to a by scale and shift: an affine copy agrees fully and looks the same', async () => {
    const a = ramp(8, 4, (v) => v);
    const b = ramp(8, 4, (v) => 0.5 * v - 3);
    const stats: Record<string, number[]> = {};
    const out = await compareNode.run!(ctx({ a: depthChunk([a], 8, 4), b: depthChunk([b], 8, 4) }, stats));
    const f = out.frames as FramesChunk;
    expect([f.width, f.height, f.frames.length]).toEqual([16, 4, 1]);
    expect(stats.agreement[0]).toBeCloseTo(0, 5);
    expect(stats.delta1[0]).toBe(1);
    for (let y = 0; y < 4; y++) {
      const row = f.frames[0].subarray(y * 48, (y + 1) * 48);
      expect(Array.from(row.subarray(24))).toEqual(Array.from(row.subarray(0, 24)));
    }
  });

  it('reports disagreement for a map with the depth order reversed', () => {
    const a = ramp(8, 4, (v) => v);
    const b = ramp(8, 4, (v) => 20 - v);
    const fit = alignDepth(a, b, 0);
    expect(fit.scale).toBeCloseTo(-1, 5);
    expect(alignDepth(a, ramp(8, 4, (v) => v * v), 0).absRel).toBeGreaterThan(0.01);
  });

  it('puts the frames first, resized to the depth size, when connected', async () => {
    const a = ramp(8, 4, (v) => v);
    const rgb = new Uint8Array(16 * 8 * 3).fill(200);
    const frames: FramesChunk = { type: 'frames', start: 0, width: 16, height: 8, frames: [rgb] };
    const out = await compareNode.run!(ctx({ a: depthChunk([a], 8, 4), b: depthChunk([a], 8, 4), frames }, {}));
    const f = out.frames as FramesChunk;
    expect(f.width).toBe(24);
    expect(Array.from(f.frames[0].subarray(0, 24))).toEqual(new Array(24).fill(200));
  });

  it('matches a depth b of another resolution to a', async () => {
    const a = ramp(8, 4, (v) => v);
    const b = new Float32Array(16 * 8).fill(3);
    const out = await compareNode.run!(ctx({ a: depthChunk([a], 8, 4), b: depthChunk([b], 16, 8) }, {}));
    expect((out.frames as FramesChunk).frames[0].length).toBe(16 * 4 * 3);
  });
});
