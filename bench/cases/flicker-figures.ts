/**
 * The temporal figures of issue 12 (nodes/lib/temporal-figures.ts) on the shared clips: raw model depth (each frame
 * normalised by its own p02..p98) against temporal-smooth's output, measured along a colour flow solved at full
 * depth resolution (independent of the coarser flow the filter follows). Depth is inferred once per clip; every
 * smoothing setting then reuses it and the motion stream, as a retune in the editor does.
 */
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { AnyNodeDefinition, CutsChunk, DepthChunk, FramesChunk } from '../../nodes/core/types.ts';
import { defineNode } from '../../nodes/core/types.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';
import { requireInfo } from '../../nodes/lib/chunk-input.ts';
import { motionSize } from '../../nodes/lib/motion-planes.ts';
import { ChunkCache } from '../../server/engine/chunk-cache.ts';
import { Executor } from '../../server/engine/executor.ts';
import { opticalFlowNode } from '../../nodes/optical-flow.ts';
import { sceneDetectNode } from '../../nodes/scene-detect.ts';
import { temporalSmoothNode } from '../../nodes/temporal-smooth.ts';
import { areaResizeRgb } from '../../nodes/lib/area-resize-rgb.ts';
import { resizeBilinear } from '../../nodes/lib/bilinear-resize.ts';
import { depthStats } from '../../nodes/lib/depth-stats.ts';
import { roundToFloat16 } from '../../nodes/lib/float16.ts';
import { FigureAccumulator, figureMotion, pairFigures, type TemporalFigures } from '../../nodes/lib/temporal-figures.ts';
import { runNode } from '../../test/nodes/fake-run-context.ts';
import { readAllFrames } from '../../test/helpers/raw-frames.ts';
import { sharedPath } from '../../test/helpers/shared-data.ts';
import type { BenchContext } from '../lib/context.ts';

const CHUNK = 16;

/** A clip decoded, its depth inferred, cuts and motion measured: everything smoothing settings do not change. */
export interface PreparedClip {
  name: string;
  frames: FramesChunk;
  depth: DepthChunk;
  cuts: CutsChunk;
  motion: DepthChunk;
  /** Colour at depth resolution and the figure flow per pair (index k: pair k−1, k). */
  figureMotion: ReturnType<typeof figureMotion>[];
  raw: TemporalFigures;
  /** CPU ms per frame of the optical-flow node. */
  flowMs: number;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs a node over [0, n) in executor-sized chunks, concatenating the one output. */
async function runChunked(def: Parameters<typeof runNode>[0], params: Record<string, unknown>, inputs: Parameters<typeof runNode>[2], n: number): Promise<DepthChunk> {
  const parts: DepthChunk[] = [];
  for (let s = 0; s < n; s += CHUNK) {
    const r = await runNode(def, params as never, inputs, s, Math.min(n, s + CHUNK));
    parts.push(Object.values(r.result)[0] as DepthChunk);
  }
  return { ...parts[0], frames: parts.flatMap((p) => p.frames), stats: parts.flatMap((p) => p.stats) };
}

export function figuresOf(depth: readonly Float32Array[], prep: Pick<PreparedClip, 'cuts' | 'figureMotion' | 'depth'>): TemporalFigures {
  const acc = new FigureAccumulator();
  const { width: w, height: h } = prep.depth;
  for (let k = 1; k < depth.length; k++) {
    if (prep.cuts.flags[k] === 1) continue;
    acc.add(pairFigures(depth[k - 1], depth[k], w, h, prep.figureMotion[k]));
  }
  return acc.means();
}

export function ownNormalised(d: Float32Array): Float32Array {
  const s = depthStats(d);
  const inv = s.p98 > s.p02 ? 1 / (s.p98 - s.p02) : 0;
  return d.map((v) => Math.min(1, Math.max(0, (v - s.p02) * inv)));
}

/**
 * Decodes `frames` frames of a shared clip (0 = all), or of `file` when given, infers depth and measures everything
 * smoothing reuses.
 */
export async function prepareClip(ctx: BenchContext, clip: string, frames: number, file = sharedPath('media', clip)): Promise<PreparedClip> {
  const probe = await ctx.services.media.probe(file);
  const rgb = await readAllFrames(file, { width: probe.width, height: probe.height, maxFrames: frames || undefined });
  const n = rgb.length;
  const framesChunk: FramesChunk = { type: 'frames', start: 0, width: probe.width, height: probe.height, frames: rgb };
  const depthFrames: Float32Array[] = [];
  let dw = 0;
  let dh = 0;
  for (let s = 0; s < n; s += CHUNK) {
    const r = await ctx.services.depth.infer(ctx.depthParams(), rgb.slice(s, s + CHUNK), probe.width, probe.height);
    dw = r.width;
    dh = r.height;
    for (const f of r.frames) depthFrames.push(roundToFloat16(f));
  }
  const depth: DepthChunk = { type: 'depth', start: 0, width: dw, height: dh, frames: depthFrames, stats: depthFrames.map((f) => depthStats(f)) };
  const cuts = (await runNode(sceneDetectNode, {}, { frames: framesChunk }, 0, n)).result.cuts as CutsChunk;
  const c0 = cpuMs();
  const motion = await runChunked(opticalFlowNode, {}, { frames: framesChunk, depth }, n);
  const flowMs = (cpuMs() - c0) / n;
  const small = rgb.map((f) => areaResizeRgb(f, probe.width, probe.height, dw, dh));
  const fm = small.map((c, k) => (k > 0 ? figureMotion(small[k - 1], c, dw, dh) : figureMotion(c, c, dw, dh)));
  const prep = { name: clip.replace(/\.mp4$/, ''), frames: framesChunk, depth, cuts, motion, figureMotion: fm, flowMs };
  return { ...prep, raw: figuresOf(depthFrames.map(ownNormalised), prep) };
}

/** temporal-smooth with `params` over a prepared clip: its figures, CPU ms per frame, and its output. */
export async function smoothClip(prep: PreparedClip, params: Record<string, unknown>): Promise<{ figures: TemporalFigures; ms: number; out: Float32Array[] }> {
  const c0 = cpuMs();
  const out = await runChunked(temporalSmoothNode, params, { depth: prep.depth, motion: prep.motion, cuts: prep.cuts }, prep.depth.frames.length);
  const ms = (cpuMs() - c0) / prep.depth.frames.length;
  return { figures: figuresOf(out.frames, prep), ms, out: out.frames };
}

/** The first `frames` depth frames of a prepared clip resized (bilinear) to width x height, rounded to float16. */
export function upsampledDepth(prep: PreparedClip, width: number, height: number, frames: number): Float32Array[] {
  return prep.depth.frames.slice(0, frames).map((f) => roundToFloat16(resizeBilinear(f, prep.depth.width, prep.depth.height, width, height)));
}

/**
 * CPU ms per frame of optical-flow and temporal-smooth (defaults) at `width` x `height` (Depth Anything's size for
 * 16:9 is 518x292), on real frames of bikes-cuts and FastDepth depth upsampled to that size, best of `reps`. Also
 * the CPU ms of a fixed reference loop (10M multiply-adds), so a loaded machine's figures can be scaled.
 */
export async function smoothingCost(prep: PreparedClip, width: number, height: number, frames: number, reps: number): Promise<{ flowMs: number; smoothMs: number; referenceMs: number }> {
  const n = Math.min(frames, prep.depth.frames.length);
  const up = upsampledDepth(prep, width, height, n);
  const depth: DepthChunk = { type: 'depth', start: 0, width, height, frames: up, stats: up.map((f) => depthStats(f)) };
  const framesChunk: FramesChunk = { ...prep.frames, frames: prep.frames.frames.slice(0, n) };
  let flowMs = Infinity;
  let smoothMs = Infinity;
  let referenceMs = Infinity;
  const ref = new Float32Array(1e7).map((_, i) => i % 7);
  for (let r = 0; r < reps; r++) {
    let c0 = cpuMs();
    const motion = await runChunked(opticalFlowNode, {}, { frames: framesChunk, depth }, n);
    flowMs = Math.min(flowMs, (cpuMs() - c0) / n);
    c0 = cpuMs();
    await runChunked(temporalSmoothNode, {}, { depth, motion }, n);
    smoothMs = Math.min(smoothMs, (cpuMs() - c0) / n);
    c0 = cpuMs();
    let s = 0;
    for (let i = 0; i < ref.length; i++) s += ref[i] * 0.5;
    referenceMs = Math.min(referenceMs, cpuMs() - c0 + (s < 0 ? 1 : 0));
  }
  return { flowMs, smoothMs, referenceMs };
}

/**
 * A depth source for the executor: the given frames (one size for the whole stream) for whatever range is asked,
 * `variant` added to every value, so runs over the same frames can compute the same work on other bytes.
 */
function fixedDepthNode(frames: readonly Float32Array[], width: number, height: number): AnyNodeDefinition {
  return defineNode({
    type: 'bench-fixed-depth',
    version: 1,
    label: 'Fixed depth (bench)',
    category: 'depth',
    description: 'Depth frames held in memory by the bench.',
    inputs: [{ name: 'frames', types: ['frames'], label: 'Frames' }],
    outputs: [{ name: 'depth', types: ['depth'], label: 'Depth' }],
    params: Type.Object({ variant: Type.Integer({ default: 0 }) }),
    cache: 'memory',
    async info(ctx) {
      const f = requireInfo(ctx.inputs, ctx.nodeId, 'frames');
      return { depth: { type: 'depth', width, height, fps: f.fps, frameCount: Math.min(f.frameCount, frames.length), source: f.source } };
    },
    async run(ctx) {
      const v = ctx.params.variant;
      const out = frames.slice(ctx.start, ctx.end).map((d) => (v === 0 ? d : roundToFloat16(d.map((x) => x + v))));
      return { depth: { type: 'depth', start: ctx.start, width, height, frames: out, stats: out.map((d) => depthStats(d)) } };
    },
  }) as unknown as AnyNodeDefinition;
}

/** A sink that only reads its depth input: it pulls chunks as encode does (read-ahead), and writes nothing. */
const discardNode = defineNode({
  type: 'bench-discard',
  version: 1,
  label: 'Discard (bench)',
  category: 'output',
  description: 'Reads its input and writes nothing.',
  inputs: [{ name: 'depth', types: ['depth'], label: 'Depth' }],
  outputs: [],
  params: Type.Object({}),
  cache: 'none',
  async info() {
    return {};
  },
  async sink(ctx) {
    let frames = 0;
    for await (const c of ctx.pull('depth')) if (c.type === 'depth') frames += c.frames.length;
    return { path: ctx.outputPath, frames };
  },
}) as unknown as AnyNodeDefinition;

/**
 * Wall ms per frame of optical-flow + temporal-smooth (default work) run by the real executor with its default pool (one
 * thread per core) at the size of `depth`, decode and depth already cached, read by a sink that discards it: what a
 * render pays for smoothing. A
 * first run over reflected depth warms the pool's threads (module loading, JIT) without leaving anything cached
 * that the timed runs could reuse; best of `reps` (at most 2). Also the CPU time of the whole process (main thread
 * and pool) per frame, which a loaded machine inflates far less than the wall time.
 */
export async function executorSmoothingWall(ctx: BenchContext, clip: string, depth: readonly Float32Array[], width: number, height: number, reps = 2): Promise<{ msPerFrame: number; cpuMsPerFrame: number; frames: number; workers: number }> {
  const n = depth.length;
  const solved = (detail: number): string => JSON.stringify(motionSize(width, height, detail));
  if (solved(20000) !== solved(19998)) throw new Error(`flow detail 19998 solves at another size than 20000 for ${width}x${height}`);
  // A memory tier large enough to keep every decoded and depth frame: the timed run must find them all.
  const executor = new Executor({ services: ctx.services, cache: new ChunkCache({ diskDir: null, memoryBudgetBytes: 1024 * 1024 * 1024 }), definitions: [...NODE_DEFINITIONS, fixedDepthNode(depth, width, height), discardNode] });
  const graph = (variant: number): GraphDocument => ({
    schemaVersion: 1,
    name: 'bench-smoothing-wall',
    nodes: [
      { id: 'decode', type: 'decode', params: { path: sharedPath('media', clip), end: n }, position: { x: 0, y: 0 } },
      { id: 'depth', type: 'bench-fixed-depth', params: { variant }, position: { x: 0, y: 0 } },
      // `detail` a few pixels under the default solves at the same size (the same work) under another cache key.
      { id: 'flow', type: 'optical-flow', params: { detail: 20000 - variant }, position: { x: 0, y: 0 } },
      { id: 'smooth', type: 'temporal-smooth', params: {}, position: { x: 0, y: 0 } },
      { id: 'sink', type: 'bench-discard', params: {}, position: { x: 0, y: 0 } },
    ],
    edges: [
      { source: 'decode', sourcePort: 'frames', target: 'depth', targetPort: 'frames' },
      { source: 'decode', sourcePort: 'frames', target: 'flow', targetPort: 'frames' },
      { source: 'depth', sourcePort: 'depth', target: 'flow', targetPort: 'depth' },
      { source: 'depth', sourcePort: 'depth', target: 'smooth', targetPort: 'depth' },
      { source: 'flow', sourcePort: 'motion', target: 'smooth', targetPort: 'motion' },
      { source: 'smooth', sourcePort: 'depth', target: 'sink', targetPort: 'depth' },
    ],
  }) as unknown as GraphDocument;
  try {
    // Through a sink, as a render reads smoothing: a target that is not a sink is read one chunk at a time.
    const outputs = { sink: path.join(ctx.tmpDir, 'discarded') };
    await executor.run(graph(1), { outputs });
    let best = { msPerFrame: Infinity, cpuMsPerFrame: Infinity };
    for (const variant of [0, 2].slice(0, reps)) {
      await executor.run(graph(variant), { targets: ['depth'] });
      const t0 = performance.now();
      const c0 = cpuMs();
      const report = await executor.run(graph(variant), { outputs });
      const ms = performance.now() - t0;
      const cpu = cpuMs() - c0;
      const computed = (id: string): number => report.nodes[id]?.computedFrames ?? 0;
      if (computed('flow') === 0 || computed('smooth') === 0 || computed('depth') > 0) throw new Error(`the timed run computed flow ${computed('flow')}, smooth ${computed('smooth')}, depth ${computed('depth')} frames`);
      if (ms / n < best.msPerFrame) best = { msPerFrame: ms / n, cpuMsPerFrame: cpu / n };
    }
    return { ...best, frames: n, workers: executor.workers };
  } finally {
    await executor.close();
  }
}
