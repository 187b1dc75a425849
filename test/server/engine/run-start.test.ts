/**
 * What a run does before and beside its first frames: nodes' `prepare` (the depth node loads its model while the
 * source decodes) and cache writes that readers never wait for.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { AneloError } from '../../../nodes/core/errors.ts';
import { defineNode, type AnyNodeDefinition, type DepthChunk, type DepthService, type MediaService } from '../../../nodes/core/types.ts';
import { depthNode } from '../../../nodes/depth.ts';
import { depthStats } from '../../../nodes/lib/depth-stats.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { Executor } from '../../../server/engine/executor.ts';
import { computed, resetCounts, TEST_NODES } from './test-nodes.ts';

const at = { x: 0, y: 0 };
let order: string[] = [];
/** How long the source takes to make its frames (a decoder is never instant). */
let sourceMs = 0;

/** A 16x8 source of 32 frames that notes when it computes. */
const source = defineNode({
  type: 'noted-source',
  version: 1,
  label: 'Noted source',
  category: 'input',
  description: 'frames of one grey; notes each run',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async () => ({ frames: { type: 'frames', width: 16, height: 8, fps: 25, frameCount: 32 } }),
  async run(ctx) {
    if (sourceMs) await new Promise((r) => setTimeout(r, sourceMs));
    order.push(`source ${ctx.start}`);
    const frames = Array.from({ length: ctx.end - ctx.start }, () => new Uint8Array(16 * 8 * 3).fill(128));
    return { frames: { type: 'frames', start: ctx.start, width: 16, height: 8, frames } };
  },
}) as unknown as AnyNodeDefinition;

function fakeDepth(prepare: DepthService['prepare']): DepthService {
  return {
    modelKey: async () => 'fake-model',
    outputSize: async (_p, w, h) => ({ width: w, height: h }),
    prepare,
    async infer(_params, frames, w, h) {
      order.push('infer');
      const maps = frames.map(() => new Float32Array(w * h).fill(0.5));
      return { width: w, height: h, frames: maps, stats: maps.map((m) => depthStats(m)) };
    },
  };
}

const depthGraph: GraphDocument = {
  schemaVersion: 1,
  nodes: [
    { id: 'src', type: 'noted-source', params: {}, position: at },
    { id: 'depth', type: 'depth', params: { model: 'fake' }, position: at },
  ],
  edges: [{ source: 'src', sourcePort: 'frames', target: 'depth', targetPort: 'frames' }],
};

function depthExecutor(depth: DepthService): Executor {
  return new Executor({ services: { media: {} as MediaService, depth }, cache: new ChunkCache({ diskDir: null }), definitions: [source, depthNode as unknown as AnyNodeDefinition], workers: 0 });
}

beforeEach(() => {
  order = [];
  sourceMs = 0;
  resetCounts();
});

describe('prepare', () => {
  it('starts the model loading once, with the node params, before a 50 ms source has made a frame', async () => {
    sourceMs = 50;
    const prepare = vi.fn(async (params: Record<string, unknown>) => void order.push(`prepare ${params.model}`));
    const report = await depthExecutor(fakeDepth(prepare)).run(depthGraph, { targets: ['depth'] });
    expect(report.nodes.depth.computedFrames).toBe(32);
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(order[0]).toBe('prepare fake');
    expect(order.indexOf('prepare fake')).toBeLessThan(order.indexOf('source 0'));
  });

  it('a run whose depth all comes from the cache loads no model; one that computes a later piece loads it for that', async () => {
    sourceMs = 50;
    const prepare = vi.fn(async (params: Record<string, unknown>) => void order.push(`prepare ${params.model}`));
    const executor = depthExecutor(fakeDepth(prepare));
    await executor.run(depthGraph, { targets: ['depth'], frames: { start: 0, end: 16 } });
    expect(prepare).toHaveBeenCalledTimes(1);
    // The same frames again (a retune downstream of depth would be such a run): nothing to load.
    order = [];
    const again = await executor.run(depthGraph, { targets: ['depth'], frames: { start: 0, end: 16 } });
    expect(again.nodes.depth).toMatchObject({ status: 'cached', computedFrames: 0 });
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(order).not.toContain('infer');
    // Its first piece cached, its second not: the model is asked for before that piece's inference.
    order = [];
    const longer = await executor.run(depthGraph, { targets: ['depth'] });
    expect(longer.nodes.depth.computedFrames).toBe(16);
    expect(prepare).toHaveBeenCalledTimes(2);
    expect(order.indexOf('prepare fake')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('prepare fake')).toBeLessThan(order.indexOf('infer'));
  });

  it('a prepare that fails fails nothing: the run meets the fault where the node runs, and reports it there', async () => {
    const failing = fakeDepth(async () => {
      throw new AneloError('ANELO_E041_MODEL_UNKNOWN', 'no model "fake"', { param: 'model' });
    });
    expect((await depthExecutor(failing).run(depthGraph, { targets: ['depth'] })).nodes.depth.computedFrames).toBe(32);
    const broken = { ...failing, infer: failing.prepare as never };
    const err = await depthExecutor(broken).run(depthGraph, { targets: ['depth'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E041_MODEL_UNKNOWN', where: { nodeId: 'depth' } });
  });
});

/** A depth-fed node (as temporal-smooth is): its previews reach depth through the pieces it reads. */
const depthTap = defineNode({
  type: 'depth-tap',
  version: 1,
  label: 'Depth tap',
  category: 'analysis',
  description: 'depth as it comes',
  inputs: [{ name: 'depth', types: ['depth'] }],
  outputs: [{ name: 'depth', types: ['depth'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async (ctx) => ({ depth: ctx.inputs.depth! }),
  async run(ctx) {
    const d = ctx.inputs.depth as DepthChunk;
    const from = ctx.start - d.start;
    return { depth: { ...d, start: ctx.start, frames: d.frames.slice(from, from + ctx.end - ctx.start), stats: d.stats.slice(from, from + ctx.end - ctx.start) } };
  },
}) as unknown as AnyNodeDefinition;

const tappedGraph: GraphDocument = {
  ...depthGraph,
  nodes: [...depthGraph.nodes, { id: 'tap', type: 'depth-tap', params: {}, position: at }],
  edges: [...depthGraph.edges, { source: 'depth', sourcePort: 'depth', target: 'tap', targetPort: 'depth' }],
};

describe('prepare before previews', () => {
  const executor = (prepare: DepthService['prepare']): Executor =>
    new Executor({ services: { media: {} as MediaService, depth: fakeDepth(prepare) }, cache: new ChunkCache({ diskDir: null }), definitions: [source, depthNode as unknown as AnyNodeDefinition, depthTap], workers: 0 });

  it('a preview that computes depth starts the model loading before the source has made a frame, at the node or downstream of it', async () => {
    sourceMs = 50;
    for (const nodeId of ['depth', 'tap']) {
      order = [];
      const prepare = vi.fn(async (params: Record<string, unknown>) => void order.push(`prepare ${params.model}`));
      const r = await executor(prepare).preview(tappedGraph, { nodeId, frame: 5 });
      expect(r.computed.depth, nodeId).toBe(1);
      expect(prepare, nodeId).toHaveBeenCalledTimes(1);
      expect(order.indexOf('prepare fake'), nodeId).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('prepare fake'), nodeId).toBeLessThan(order.indexOf('source 5'));
    }
  });

  it('a preview served from the cache loads no model', async () => {
    const prepare = vi.fn(async () => {});
    const ex = executor(prepare);
    await ex.preview(tappedGraph, { nodeId: 'tap', frame: 5 });
    expect(prepare).toHaveBeenCalledTimes(1);
    const again = await ex.preview(tappedGraph, { nodeId: 'tap', frame: 5 });
    expect(again.cached).toBe(true);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it("prepareGraph loads every depth node's model with its params and computes nothing; a graph it cannot plan is refused", async () => {
    const prepare = vi.fn(async (params: Record<string, unknown>) => void order.push(`prepare ${params.model} ${params.precision}`));
    const ex = executor(prepare);
    const graph: GraphDocument = { ...tappedGraph, nodes: tappedGraph.nodes.map((n) => (n.id === 'depth' ? { ...n, params: { model: 'fake', precision: 'fp32' } } : n)) };
    const { nodes, done } = await ex.prepareGraph(graph);
    expect(nodes).toEqual(['depth']);
    await done;
    expect(order).toEqual(['prepare fake fp32']);
    // A failing load is the previews' to report: done still settles.
    const failing = executor(async () => {
      throw new AneloError('ANELO_E041_MODEL_UNKNOWN', 'no model "fake"', { param: 'model' });
    });
    await expect((await failing.prepareGraph(graph)).done).resolves.toBeUndefined();
    const broken: GraphDocument = { ...graph, nodes: [...graph.nodes, { id: 'x', type: 'no-such-type', params: {}, position: at }] };
    await expect(ex.prepareGraph(broken)).rejects.toMatchObject({ code: 'ANELO_E001_GRAPH_INVALID', where: { nodeId: 'x' } });
  });
});

/** 16 frames of 1280x720 a chunk (44 MB), disk-cached, and a cheap reader of it that notes what it computed. */
const bigSource = defineNode({
  type: 'big-source',
  version: 1,
  label: 'Big source',
  category: 'input',
  description: '64 frames of 1280x720',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'disk',
  info: async () => ({ frames: { type: 'frames', width: 1280, height: 720, fps: 25, frameCount: 64 } }),
  async run(ctx) {
    const frames = Array.from({ length: ctx.end - ctx.start }, (_, k) => new Uint8Array(1280 * 720 * 3).fill(ctx.start + k));
    return { frames: { type: 'frames', start: ctx.start, width: 1280, height: 720, frames } };
  },
}) as unknown as AnyNodeDefinition;
const tap = defineNode({
  type: 'tap',
  version: 1,
  label: 'Tap',
  category: 'analysis',
  description: 'one pixel per frame',
  inputs: [{ name: 'frames', types: ['frames'] }],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async () => ({ frames: { type: 'frames', width: 1, height: 1, fps: 25, frameCount: 64 } }),
  async run(ctx) {
    order.push(`tap ${ctx.start}`);
    const src = ctx.inputs.frames as { frames: Uint8Array[]; start: number };
    const frames = Array.from({ length: ctx.end - ctx.start }, (_, k) => src.frames[ctx.start + k - src.start].slice(0, 3));
    return { frames: { type: 'frames', start: ctx.start, width: 1, height: 1, frames } };
  },
}) as unknown as AnyNodeDefinition;

describe('cache writes', () => {
  const chain: GraphDocument = {
    schemaVersion: 1,
    nodes: [
      { id: 'src', type: 'ramp', params: { frames: 64 }, position: at },
      { id: 'q', type: 'quantize', params: { step: 2 }, position: at },
      { id: 'blur', type: 'tblur', params: {}, position: at },
    ],
    edges: [
      { source: 'src', sourcePort: 'frames', target: 'q', targetPort: 'frames' },
      { source: 'q', sourcePort: 'frames', target: 'blur', targetPort: 'frames' },
    ],
  };

  it('readers do not wait for a chunk to reach the disk; the run ends once it has, and the next run finds it there', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-behind-'));
    const cache = new ChunkCache({ diskDir: dir });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const put = cache.disk!.putBlob.bind(cache.disk!);
    let held = 0;
    cache.disk!.putBlob = async (digest, bytes) => {
      held++;
      await gate;
      return put(digest, bytes);
    };
    const ex = new Executor({ services: { media: {} as MediaService }, cache, chunkSize: 16, definitions: TEST_NODES, workers: 0 });
    let ended = false;
    const run = ex.run(chain, { targets: ['blur'] }).then((r) => ((ended = true), r));
    // Every chunk downstream of the source is made while the source's four chunks are still on their way to disk.
    await vi.waitFor(() => expect(computed.tblur).toBe(64), { timeout: 10_000 });
    expect(held).toBe(4);
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe(false);
    open();
    expect((await run).nodes.src.computedFrames).toBe(64);
    const again = await new Executor({ services: { media: {} as MediaService }, cache: new ChunkCache({ diskDir: dir }), chunkSize: 16, definitions: TEST_NODES, workers: 0 }).run(chain, { targets: ['src'] });
    expect(again.nodes.src).toMatchObject({ status: 'cached', computedFrames: 0 });
  });

  it('a disk slower than the work holds the run back once 128 MiB wait to be written, instead of queueing in memory', async () => {
    const cache = new ChunkCache({ diskDir: mkdtempSync(path.join(os.tmpdir(), 'anelo-behind-')) });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const put = cache.disk!.putBlob.bind(cache.disk!);
    cache.disk!.putBlob = async (digest, bytes) => {
      await gate;
      return put(digest, bytes);
    };
    const graph: GraphDocument = {
      schemaVersion: 1,
      nodes: [
        { id: 'src', type: 'big-source', params: {}, position: at },
        { id: 'tap', type: 'tap', params: {}, position: at },
      ],
      edges: [{ source: 'src', sourcePort: 'frames', target: 'tap', targetPort: 'frames' }],
    };
    const ex = new Executor({ services: { media: {} as MediaService }, cache, chunkSize: 16, definitions: [bigSource, tap], workers: 0 });
    const run = ex.run(graph, { targets: ['tap'] });
    // Three chunks (133 MB) go ahead of their disk copies; the fourth waits until they are written.
    await vi.waitFor(() => expect(order).toEqual(['tap 0', 'tap 16', 'tap 32']), { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual(['tap 0', 'tap 16', 'tap 32']);
    open();
    expect((await run).nodes.tap.computedFrames).toBe(64);
    expect(order).toEqual(['tap 0', 'tap 16', 'tap 32', 'tap 48']);
  });
});
