/**
 * The planner's scene cuts, handed to a segment instead of detected again. The planner has already run every
 * scene-detect node over the render's range; a worker that ran them again decoded ±13 frames more at each segment
 * edge (cut detection's window) and recomputed every frame's signature: decode ran 1.34–1.40x a local run's frames
 * on bikes-cuts. A segment job carries each detector's output (flags and scores) for exactly the frames its readers
 * reach, and the worker serves them from a node of its own in place of the detector; the bytes, and so every key
 * downstream, are the detector's.
 */
import { Type } from '@sinclair/typebox';
import { AneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { RunReport } from '../../nodes/core/events.ts';
import { defineNode, type AnyNodeDefinition } from '../../nodes/core/types.ts';
import { requireInfo } from '../../nodes/lib/chunk-input.ts';

const KNOWN_CUTS_TYPE = 'anelo-cluster-known-cuts';

/** A detector's output over frames [start, start + scores.length), as the planner computed it. */
export interface CutFlags {
  start: number;
  /** Frames flagged as the first of a shot. */
  cuts: number[];
  scores: number[];
}

const params = Type.Object({
  start: Type.Integer({ minimum: 0 }),
  cuts: Type.Array(Type.Integer({ minimum: 0 })),
  scores: Type.Array(Type.Number()),
});

/**
 * Serves a detector's flags from the job. It lives here, not in nodes/, because no graph document may name it; only
 * a worker puts it in a segment's graph. It runs on the calling thread (pool threads do not know it) and is not
 * cached: it reads its params.
 */
export const knownCutsNode: AnyNodeDefinition = defineNode({
  type: KNOWN_CUTS_TYPE,
  version: 1,
  label: 'Known cuts',
  category: 'analysis',
  description: "A planner's scene cuts for a cluster segment.",
  // Info only: the stream's shape, never its frames.
  inputs: [{ name: 'frames', types: ['frames'], label: 'Frames', infoOnly: true }],
  outputs: [{ name: 'cuts', types: ['cuts'], label: 'Cuts' }],
  params,
  cache: 'none',
  async info(ctx) {
    const src = requireInfo(ctx.inputs, ctx.nodeId, 'frames');
    return { cuts: { type: 'cuts', width: src.width, height: src.height, fps: src.fps, frameCount: src.frameCount, source: src.source } };
  },
  async run(ctx) {
    const p = ctx.params;
    if (ctx.start < p.start || ctx.end > p.start + p.scores.length) {
      // The planner ships exactly what the segment's windows reach; anything else is a planner/worker mismatch.
      throw new AneloError('ANELO_E099_INTERNAL', `node "${ctx.nodeId}": frames ${ctx.start}:${ctx.end} asked, the planner's cuts cover ${p.start}:${p.start + p.scores.length}`, { nodeId: ctx.nodeId });
    }
    const flags = new Uint8Array(ctx.end - ctx.start);
    for (const c of p.cuts) if (c >= ctx.start && c < ctx.end) flags[c - ctx.start] = 1;
    const scores = Float32Array.from(p.scores.slice(ctx.start - p.start, ctx.end - p.start));
    return { cuts: { type: 'cuts', start: ctx.start, flags, scores } };
  },
}) as unknown as AnyNodeDefinition;

/** Frames [lo, hi) of a detector's output as a job carries it (flags and scores indexed from `from`). */
export function cutFlagsOf(out: { from: number; flags: Uint8Array; scores: Float32Array }, lo: number, hi: number): CutFlags {
  const cuts: number[] = [];
  for (let f = lo; f < hi; f++) if (out.flags[f - out.from]) cuts.push(f);
  return { start: lo, cuts, scores: Array.from(out.scores.subarray(lo - out.from, hi - out.from)) };
}

/** The segment's graph with each detector the job carries flags for replaced by a known-cuts node (same id, same edges). */
export function withKnownCuts(graph: GraphDocument, flags: Record<string, CutFlags>): GraphDocument {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (flags[n.id] && n.type === 'scene-detect' ? { ...n, type: KNOWN_CUTS_TYPE, params: { ...flags[n.id] } } : n)),
  };
}

/**
 * The segment's report as the user's graph names it: a replaced detector keeps its type, and shows as served
 * from the planner (cached), since the worker computed none of its frames.
 */
export function reportAsDetectors(report: RunReport): RunReport {
  const nodes = { ...report.nodes };
  for (const [id, r] of Object.entries(nodes)) {
    if (r.type === KNOWN_CUTS_TYPE) nodes[id] = { ...r, type: 'scene-detect', status: 'cached', computedFrames: 0 };
  }
  return { ...report, nodes };
}
