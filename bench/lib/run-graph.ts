/** Graph runs as the CLI does them (one Executor over one ChunkCache), plus the per-node figures the cases read. */
import path from 'node:path';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { ChunkCache } from '../../server/engine/chunk-cache.ts';
import type { RunReport } from '../../nodes/core/events.ts';
import { Executor } from '../../server/engine/executor.ts';
import type { BenchContext } from './context.ts';

/** An executor over a fresh disk cache folder (and the default memory budget), as `anelo run` sets one up. */
export function freshExecutor(ctx: BenchContext, opts: { disk?: boolean } = {}): Executor {
  const diskDir = opts.disk === false ? null : ctx.newDir('cache');
  return new Executor({ services: ctx.services, cache: new ChunkCache({ diskDir }) });
}

/** Runs every sink (encode writes into the bench temp folder) or the given targets. */
export async function runGraph(ctx: BenchContext, executor: Executor, graph: GraphDocument, opts: { targets?: string[]; frames?: { start: number; end?: number } } = {}): Promise<RunReport> {
  const outputs = Object.fromEntries(graph.nodes.filter((n) => n.type === 'encode').map((n) => [n.id, path.join(ctx.newDir('out'), `${n.id}.mp4`)]));
  return executor.run(graph, { outputs, targets: opts.targets, frames: opts.frames });
}

export const NODE_ORDER = ['decode', 'depth', 'scenes', 'flow', 'smooth', 'refine', 'warp', 'encode'];

/** ms per computed frame of every node that computed something. */
export function msPerFrame(report: RunReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of NODE_ORDER) {
    const n = report.nodes[id];
    if (n && n.computedFrames > 0) out[id] = Number((n.ms / n.computedFrames).toFixed(2));
  }
  return out;
}

/** Compact per-node summary for the JSON. */
export function nodeSummary(report: RunReport): Record<string, { status: string; computedFrames: number; cacheHits: number; ms: number }> {
  return Object.fromEntries(Object.entries(report.nodes).map(([id, n]) => [id, { status: n.status, computedFrames: n.computedFrames, cacheHits: n.cacheHits, ms: n.ms }]));
}

/** Loads onnxruntime, creates the session and hashes the model once, so a "cold" run measures steady-state work. */
export async function warmDepth(ctx: BenchContext, params: Record<string, unknown>, width = 64, height = 48): Promise<void> {
  await ctx.services.depth.infer(params, [new Uint8Array(width * height * 3).fill(128)], width, height);
}
