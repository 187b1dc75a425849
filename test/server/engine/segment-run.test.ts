/**
 * A run that is one segment of a larger render (`segment` run option): it computes only what its frames reach
 * through the windows, stops a cut-reading node's window at known cuts, and writes the same frames as a whole run.
 */
import { Type } from '@sinclair/typebox';
import { beforeEach, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { defineNode, type AnyNodeDefinition, type CutsChunk, type DepthChunk, type FramesChunk, type MediaService } from '../../../nodes/core/types.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { Executor } from '../../../server/engine/executor.ts';
import { depthStats } from '../../../nodes/lib/depth-stats.ts';
import { roundToFloat16 } from '../../../nodes/lib/float16.ts';
import { temporalSmoothNode } from '../../../nodes/temporal-smooth.ts';
import { computed, resetCounts, TEST_NODES } from './test-nodes.ts';

const CUTS = [30, 50];
const FRAMES = 64;

/** Cut flags at CUTS: a stand-in for scene-detect (the engine only sees that its output is of type cuts). */
const cutList = defineNode({
  type: 'cut-list',
  version: 1,
  label: 'Cut list',
  category: 'analysis',
  description: 'flags the frames in CUTS',
  inputs: [{ name: 'frames', types: ['frames'] }],
  outputs: [{ name: 'cuts', types: ['cuts'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async (ctx) => ({ cuts: { ...ctx.inputs.frames!, type: 'cuts' } }),
  async run(ctx) {
    computed['cut-list'] = (computed['cut-list'] ?? 0) + ctx.end - ctx.start;
    const flags = new Uint8Array(ctx.end - ctx.start);
    for (const c of CUTS) if (c >= ctx.start && c < ctx.end) flags[c - ctx.start] = 1;
    return { cuts: { type: 'cuts', start: ctx.start, flags, scores: new Float32Array(flags.length) } };
  },
});

/** Each frame summed with up to 3 neighbours either side within its scene: a temporal node that never reads across a cut. */
const sceneSum = defineNode({
  type: 'scene-sum',
  version: 1,
  label: 'Scene sum',
  category: 'temporal',
  description: 'sums each frame with its neighbours in the same scene',
  inputs: [
    { name: 'frames', types: ['frames'] },
    { name: 'cuts', types: ['cuts'] },
  ],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'memory',
  window: () => ({ before: 3, after: 3 }),
  info: async (ctx) => ({ frames: ctx.inputs.frames! }),
  async run(ctx) {
    computed['scene-sum'] = (computed['scene-sum'] ?? 0) + ctx.end - ctx.start;
    const src = ctx.inputs.frames as FramesChunk;
    const cuts = ctx.inputs.cuts as CutsChunk;
    const isCut = (i: number): boolean => cuts.flags[i - cuts.start] === 1;
    const last = src.start + src.frames.length - 1;
    const frames: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) {
      let lo = i;
      while (lo > Math.max(src.start, i - 3) && !isCut(lo)) lo--;
      let hi = i;
      while (hi < Math.min(last, i + 3) && !isCut(hi + 1)) hi++;
      const out = new Uint8Array(src.frames[0].length);
      for (let j = lo; j <= hi; j++) src.frames[j - src.start].forEach((v, k) => (out[k] = (out[k] + v) % 256));
      frames.push(out);
    }
    return { frames: { ...src, start: ctx.start, frames } };
  },
});

/** A deterministic depth stream (8x6, values 0..1 drifting with the frame): input for the real temporal-smooth. */
const noiseDepth = defineNode({
  type: 'noise-depth',
  version: 1,
  label: 'Noise depth',
  category: 'input',
  description: 'depth that drifts from frame to frame',
  inputs: [],
  outputs: [{ name: 'depth', types: ['depth'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async () => ({ depth: { type: 'depth', width: 8, height: 6, fps: 25, frameCount: FRAMES, depthScale: 'unit' } }),
  async run(ctx) {
    const frames: Float32Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) frames.push(roundToFloat16(Float32Array.from({ length: 48 }, (_, k) => 0.5 + 0.4 * Math.sin(k * 0.7 + i * 0.3 + (i >= 30 ? 2 : 0)))));
    return { depth: { type: 'depth', start: ctx.start, width: 8, height: 6, frames, stats: frames.map(depthStats) } };
  },
});

/** Collects every frame it is given (as hex bytes), by frame index. */
const written = new Map<number, string>();
const hex = (f: Uint8Array | Float32Array): string => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex');
const collect = defineNode({
  type: 'collect',
  version: 1,
  label: 'Collect',
  category: 'output',
  description: 'records the frames it pulls',
  inputs: [{ name: 'frames', types: ['frames', 'depth'] }],
  outputs: [],
  params: Type.Object({}),
  cache: 'none',
  info: async () => ({}),
  async sink(ctx) {
    let frames = 0;
    for await (const c of ctx.pull('frames')) {
      const list = (c as FramesChunk | DepthChunk).frames;
      list.forEach((f, k) => written.set(c.start + k, hex(f)));
      frames += list.length;
    }
    return { path: ctx.outputPath, frames };
  },
});

const graph: GraphDocument = {
  schemaVersion: 1,
  nodes: [
    { id: 'src', type: 'ramp', params: { frames: FRAMES, gain: 7 }, position: { x: 0, y: 0 } },
    { id: 'scenes', type: 'cut-list', params: {}, position: { x: 0, y: 0 } },
    { id: 'sum', type: 'scene-sum', params: {}, position: { x: 0, y: 0 } },
    { id: 'out', type: 'collect', params: {}, position: { x: 0, y: 0 } },
  ],
  edges: [
    { source: 'src', sourcePort: 'frames', target: 'scenes', targetPort: 'frames' },
    { source: 'src', sourcePort: 'frames', target: 'sum', targetPort: 'frames' },
    { source: 'scenes', sourcePort: 'cuts', target: 'sum', targetPort: 'cuts' },
    { source: 'sum', sourcePort: 'frames', target: 'out', targetPort: 'frames' },
  ],
};

const executor = (): Executor =>
  new Executor({ services: { media: {} as MediaService }, cache: new ChunkCache({ diskDir: null }), chunkSize: 16, workers: 0, definitions: [...TEST_NODES, cutList, sceneSum, collect, noiseDepth, temporalSmoothNode] as AnyNodeDefinition[] });

async function render(segment: { start: number; end: number }, cuts?: number[]): Promise<Record<string, number>> {
  resetCounts();
  const report = await executor().run(graph, { frames: segment, outputs: { out: '(memory)' }, segment: cuts ? { cuts: { scenes: cuts } } : undefined });
  // The report's tallies are what a user reads: they must say the same.
  expect(report.nodes.src.computedFrames).toBe(computed.ramp);
  expect(report.nodes.sum.computedFrames).toBe(computed['scene-sum']);
  return { ...computed };
}

beforeEach(() => written.clear());

describe('segment runs', () => {
  it('write the same frames as one whole run, segment by segment', async () => {
    await render({ start: 0, end: FRAMES });
    const whole = new Map(written);
    written.clear();
    for (const s of [{ start: 0, end: 30 }, { start: 30, end: 50 }, { start: 50, end: FRAMES }, { start: 36, end: 44 }]) await render(s, CUTS);
    expect([...written.keys()].sort((a, b) => a - b)).toEqual([...whole.keys()]);
    for (const [frame, v] of whole) expect(written.get(frame), `frame ${frame}`).toBe(v);
  });

  it('between two known cuts, compute the segment only: no whole chunks, no window across a cut', async () => {
    // Without known cuts: frames [30,50) of sum, and its window reaches 3 frames further each way, across the cuts.
    expect(await render({ start: 30, end: 50 })).toEqual({ ramp: 26, 'cut-list': 26, 'scene-sum': 20 });
    // With it: frames [30,50) of both; the cut list is read over the segment only.
    expect(await render({ start: 30, end: 50 }, CUTS)).toEqual({ ramp: 20, 'cut-list': 20, 'scene-sum': 20 });
  });

  it('inside a scene, compute the segment and the overlap its windows need', async () => {
    // Frames [36,44) of scene [30,50): sum's window reaches 3 frames either side of the segment.
    expect(await render({ start: 36, end: 44 }, CUTS)).toEqual({ ramp: 14, 'cut-list': 14, 'scene-sum': 8 });
    // A cut 2 frames before the segment stops the window there.
    expect(await render({ start: 32, end: 44 }, CUTS)).toEqual({ ramp: 17, 'cut-list': 17, 'scene-sum': 12 });
  });

  it('with no cuts known, a segment clips only to its windows and still matches', async () => {
    await render({ start: 0, end: FRAMES });
    const whole = new Map(written);
    written.clear();
    await render({ start: 30, end: 50 }, []);
    for (const [frame, v] of written) expect(v).toBe(whole.get(frame));
  });
});

describe('segment runs of the real temporal-smooth', () => {
  // Its default radius (24) restarts the recursion every 25 frames, so a segment starting at the cut at 30 begins
  // mid-period: the node must not reach back across the cut for the period's start.
  const smoothGraph: GraphDocument = {
    schemaVersion: 1,
    nodes: [
      { id: 'depth', type: 'noise-depth', params: {}, position: { x: 0, y: 0 } },
      { id: 'src', type: 'ramp', params: { frames: FRAMES }, position: { x: 0, y: 0 } },
      { id: 'scenes', type: 'cut-list', params: {}, position: { x: 0, y: 0 } },
      { id: 'smooth', type: 'temporal-smooth', params: {}, position: { x: 0, y: 0 } },
      { id: 'out', type: 'collect', params: {}, position: { x: 0, y: 0 } },
    ],
    edges: [
      { source: 'src', sourcePort: 'frames', target: 'scenes', targetPort: 'frames' },
      { source: 'depth', sourcePort: 'depth', target: 'smooth', targetPort: 'depth' },
      { source: 'scenes', sourcePort: 'cuts', target: 'smooth', targetPort: 'cuts' },
      { source: 'smooth', sourcePort: 'depth', target: 'out', targetPort: 'frames' },
    ],
  };

  it('writes the same bytes segment by segment as in one run, computing each segment only', async () => {
    await executor().run(smoothGraph, { outputs: { out: '(memory)' } });
    const whole = new Map(written);
    written.clear();
    for (const s of [{ start: 0, end: 30 }, { start: 30, end: 50 }, { start: 50, end: FRAMES }]) {
      const report = await executor().run(smoothGraph, { frames: s, outputs: { out: '(memory)' }, segment: { cuts: { scenes: CUTS } } });
      expect(report.nodes.smooth.computedFrames).toBe(s.end - s.start);
    }
    expect(written.size).toBe(FRAMES);
    for (const [frame, v] of whole) expect(written.get(frame), `frame ${frame}`).toBe(v);
  });
});
