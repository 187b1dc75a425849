/**
 * The temporal figures of issue 12 (nodes/lib/temporal-figures.ts) on the shared clips: raw model depth (each frame
 * normalised by its own p02..p98) against temporal-smooth's output, measured along a colour flow solved at full
 * depth resolution (independent of the coarser flow the filter follows). Depth is inferred once per clip; every
 * smoothing setting then reuses it and the motion stream, as a retune in the editor does.
 */
import type { CutsChunk, DepthChunk, FramesChunk } from '../../nodes/core/types.ts';
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

function figuresOf(depth: readonly Float32Array[], prep: Pick<PreparedClip, 'cuts' | 'figureMotion' | 'depth'>): TemporalFigures {
  const acc = new FigureAccumulator();
  const { width: w, height: h } = prep.depth;
  for (let k = 1; k < depth.length; k++) {
    if (prep.cuts.flags[k] === 1) continue;
    acc.add(pairFigures(depth[k - 1], depth[k], w, h, prep.figureMotion[k]));
  }
  return acc.means();
}

function ownNormalised(d: Float32Array): Float32Array {
  const s = depthStats(d);
  const inv = s.p98 > s.p02 ? 1 / (s.p98 - s.p02) : 0;
  return d.map((v) => Math.min(1, Math.max(0, (v - s.p02) * inv)));
}

/** Decodes `frames` frames of a shared clip (0 = all), infers depth and measures everything smoothing reuses. */
export async function prepareClip(ctx: BenchContext, clip: string, frames: number): Promise<PreparedClip> {
  const probe = await ctx.services.media.probe(sharedPath('media', clip));
  const rgb = await readAllFrames(sharedPath('media', clip), { width: probe.width, height: probe.height, maxFrames: frames || undefined });
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

/**
 * CPU ms per frame of optical-flow and temporal-smooth (defaults) at `width` x `height` (Depth Anything's size for
 * 16:9 is 518x292), on real frames of bikes-cuts and FastDepth depth upsampled to that size, best of `reps`. Also
 * the CPU ms of a fixed reference loop (10M multiply-adds), so a loaded machine's figures can be scaled.
 */
export async function smoothingCost(prep: PreparedClip, width: number, height: number, frames: number, reps: number): Promise<{ flowMs: number; smoothMs: number; referenceMs: number }> {
  const n = Math.min(frames, prep.depth.frames.length);
  const up = prep.depth.frames.slice(0, n).map((f) => roundToFloat16(resizeBilinear(f, prep.depth.width, prep.depth.height, width, height)));
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
