/**
 * Starting the pool before anyone waits on it. A fresh thread's first frames of a node run before V8 has optimised
 * its code: the editor's first warp preview at a new 720p frame took 1.85–2.12 s where the next ones of the same
 * reach took 1.27–1.34 s. `warmUpPool` starts the threads and runs every pool node of the default chain on a few
 * synthetic frames — with a synthetic depth map, so no model is needed — on a cache of its own, so nothing of it
 * reaches the user's cache and a later warm-up is never a cache hit that warms nothing.
 */
import { Type } from '@sinclair/typebox';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { defineNode, type AnyNodeDefinition, type DepthChunk, type FramesChunk } from '../../nodes/core/types.ts';
import { depthStats } from '../../nodes/lib/depth-stats.ts';
import { roundToFloat16 } from '../../nodes/lib/float16.ts';
import { ChunkCache } from './chunk-cache.ts';
import type { Executor } from './executor.ts';

const FRAMES_TYPE = 'anelo-warm-up-frames';
const DEPTH_TYPE = 'anelo-warm-up-depth';
const WIDTH = 160;
const HEIGHT = 96;
/** Depth smaller than the frames, as a model's is: refine's upsampling and flow's colour resize run as they do. */
const DEPTH_SIZE = 80;
/** Two chunks and a cut between them: every node's per-chunk path and its cut path run. */
const FRAMES = 32;
const CUT = 20;

/**
 * Synthetic frames: a pattern moving two pixels a frame, a different one after the cut. Defined here, not in nodes/,
 * because no graph document may name it; only warm-ups use it.
 */
const warmUpSource: AnyNodeDefinition = defineNode({
  type: FRAMES_TYPE,
  version: 1,
  label: 'Warm-up frames',
  category: 'input',
  description: 'Synthetic frames for warming up the worker threads.',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'], label: 'Frames' }],
  params: Type.Object({}),
  cache: 'none',
  async info() {
    return { frames: { type: 'frames', width: WIDTH, height: HEIGHT, fps: 25, frameCount: FRAMES } };
  },
  async run(ctx) {
    const frames: Uint8Array[] = [];
    for (let t = ctx.start; t < ctx.end; t++) {
      const f = new Uint8Array(WIDTH * HEIGHT * 3);
      const scene = t < CUT ? 1 : 7;
      for (let y = 0, i = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++, i += 3) {
          const v = ((x + 2 * t) * scene + y * 3) & 255;
          f[i] = v;
          f[i + 1] = (v * 3 + y) & 255;
          f[i + 2] = 255 - v;
        }
      }
      frames.push(f);
    }
    const chunk: FramesChunk = { type: 'frames', start: ctx.start, width: WIDTH, height: HEIGHT, frames };
    return { frames: chunk };
  },
}) as unknown as AnyNodeDefinition;

/** A synthetic depth map (a slope with a bump that moves with the pattern), standing in for a model's. */
const warmUpDepth: AnyNodeDefinition = defineNode({
  type: DEPTH_TYPE,
  version: 1,
  label: 'Warm-up depth',
  category: 'depth',
  description: 'Synthetic depth for warming up the worker threads.',
  inputs: [],
  outputs: [{ name: 'depth', types: ['depth'], label: 'Depth' }],
  params: Type.Object({}),
  cache: 'none',
  async info() {
    return { depth: { type: 'depth', width: DEPTH_SIZE, height: DEPTH_SIZE, fps: 25, frameCount: FRAMES, depthScale: 'raw' } };
  },
  async run(ctx) {
    const frames: Float32Array[] = [];
    for (let t = ctx.start; t < ctx.end; t++) {
      const d = new Float32Array(DEPTH_SIZE * DEPTH_SIZE);
      const cx = (t * 2) % DEPTH_SIZE;
      for (let y = 0, i = 0; y < DEPTH_SIZE; y++) {
        for (let x = 0; x < DEPTH_SIZE; x++, i++) d[i] = y / DEPTH_SIZE + (Math.abs(x - cx) < 10 && Math.abs(y - 40) < 10 ? 0.5 : 0);
      }
      frames.push(roundToFloat16(d));
    }
    const chunk: DepthChunk = { type: 'depth', start: ctx.start, width: DEPTH_SIZE, height: DEPTH_SIZE, frames, stats: frames.map((f) => depthStats(f)) };
    return { depth: chunk };
  },
}) as unknown as AnyNodeDefinition;

/**
 * The default graph's chain (scene-detect, optical-flow, temporal-smooth, edge-refine, stereo-warp) over the
 * synthetic frames, its depth from `model` (a depth node reading the frames) or, without one, the synthetic map.
 */
function warmUpGraph(model?: string): GraphDocument {
  const node = (id: string, type: string, params: Record<string, unknown> = {}): GraphDocument['nodes'][number] => ({ id, type, params, position: { x: 0, y: 0 } });
  const edge = (source: string, sourcePort: string, target: string, targetPort: string): GraphDocument['edges'][number] => ({ source, sourcePort, target, targetPort });
  return {
    schemaVersion: 1,
    nodes: [
      node('frames', FRAMES_TYPE),
      model ? node('depth', 'depth', { model }) : node('depth', DEPTH_TYPE),
      node('scenes', 'scene-detect'),
      node('flow', 'optical-flow'),
      node('smooth', 'temporal-smooth'),
      node('refine', 'edge-refine'),
      node('warp', 'stereo-warp'),
    ],
    edges: [
      ...(model ? [edge('frames', 'frames', 'depth', 'frames')] : []),
      edge('frames', 'frames', 'scenes', 'frames'),
      edge('frames', 'frames', 'flow', 'frames'),
      edge('depth', 'depth', 'flow', 'depth'),
      edge('depth', 'depth', 'smooth', 'depth'),
      edge('flow', 'motion', 'smooth', 'motion'),
      edge('scenes', 'cuts', 'smooth', 'cuts'),
      edge('frames', 'frames', 'refine', 'frames'),
      edge('smooth', 'depth', 'refine', 'depth'),
      edge('frames', 'frames', 'warp', 'frames'),
      edge('refine', 'depth', 'warp', 'depth'),
    ],
  } as GraphDocument;
}

/**
 * Renders the synthetic frames through the chain on `executor`'s threads and services, on a cache of its own (so a
 * warm-up never finds its results cached and warms nothing, and writes nothing to the user's cache). With `model`,
 * depth comes from that model, which is thereby loaded on the depth threads (a cluster worker's `--preload`).
 * Returns the frames each node computed.
 */
export async function renderWarmUp(executor: Executor, model?: string, signal?: AbortSignal): Promise<Record<string, number>> {
  const definitions = [...executor.definitions, warmUpSource, warmUpDepth];
  const report = await executor.runWith(definitions, new ChunkCache({ diskDir: null }), warmUpGraph(model), { runId: 'warm-up', targets: ['warp'], signal });
  return Object.fromEntries(Object.entries(report.nodes).map(([id, n]) => [id, n.computedFrames]));
}

/**
 * Starts `executor`'s pool threads and runs scene-detect, optical-flow, temporal-smooth, edge-refine and stereo-warp
 * there on synthetic frames, then makes one preview picture (libvips' first call costs ~0.25 s). Its pool tasks rank
 * as a run's, so a preview asked for meanwhile goes first. A no-op without a pool.
 */
export async function warmUpPool(executor: Executor, signal?: AbortSignal): Promise<{ ms: number; computed: Record<string, number> }> {
  const t0 = performance.now();
  if (executor.workers === 0) return { ms: 0, computed: {} };
  const computed = await renderWarmUp(executor, undefined, signal);
  const frame: FramesChunk = { type: 'frames', start: 0, width: 16, height: 16, frames: [new Uint8Array(16 * 16 * 3)] };
  await executor.previewPng({ chunk: frame, info: { type: 'frames', width: 16, height: 16, fps: 25, frameCount: 1 } }, undefined, signal);
  return { ms: Math.round(performance.now() - t0), computed };
}
