/**
 * How the editor's server renders on a cluster (`anelo serve --redis`): the same planning and BullMQ flow as
 * `anelo run --cluster`, with the flow's progress turned into the executor events a local run sends (so the run
 * bar, node badges, report and history work unchanged) plus one line per worker for the runs panel.
 */
import type { RunWorkerLine } from '../../../nodes/core/api-types.ts';
import { toAneloError } from '../../../nodes/core/errors.ts';
import type { ExecutorEvent, RunReport } from '../../../nodes/core/events.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { checkRedis, parseRedisUrl } from '../../cluster/connect-redis.ts';
import { planRender } from '../../cluster/plan-render.ts';
import { DEFAULT_SEGMENT_RULES, type SegmentRules } from '../../cluster/plan-segments.ts';
import { submitRender } from '../../cluster/submit-render.ts';
import { foldWorkerLines } from '../../cluster/worker-lines.ts';
import type { ChunkCache } from '../../engine/chunk-cache.ts';
import type { LocalServices } from '../../services.ts';

export interface ClusterTarget {
  redis: string;
  services: LocalServices;
  /** The planning run's cache (the server's own, so a re-submit finds the cuts). */
  cache: ChunkCache;
  rules?: SegmentRules;
}

export interface ClusterRunRequest {
  runId: string;
  /** A bound graph whose encode nodes are the ones in `outputs`. */
  graph: GraphDocument;
  frames?: { start: number; end?: number };
  /** Encode node id → output file. */
  outputs: Record<string, string>;
  signal: AbortSignal;
  onEvent: (e: ExecutorEvent) => void;
  onWorkers: (lines: RunWorkerLine[]) => void;
}

/** Renders on the cluster; throws a coded error as a local run would (ANELO_E140 at once when Redis is gone). */
export async function runOnCluster(c: ClusterTarget, r: ClusterRunRequest): Promise<RunReport> {
  const { runId, onEvent: emit } = r;
  const encodes = Object.keys(r.outputs);
  // Only the encode nodes asked for: another encode in the graph would need an output of its own.
  const graph = structuredClone(r.graph);
  graph.nodes = graph.nodes.filter((n) => n.type !== 'encode' || encodes.includes(n.id));
  graph.edges = graph.edges.filter((e) => graph.nodes.some((n) => n.id === e.target));
  try {
    await checkRedis(parseRedisUrl(c.redis));
    const plan = await planRender({ graph, outputs: r.outputs, frames: r.frames, rules: c.rules ?? DEFAULT_SEGMENT_RULES, services: c.services, cache: c.cache, signal: r.signal });
    emit({ type: 'run-start', runId, nodes: encodes, frames: plan.frames });
    for (const w of plan.warnings) emit({ type: 'run-warning', runId, code: w.code, message: w.message });
    for (const nodeId of encodes) emit({ type: 'node-start', runId, nodeId });
    let lines: RunWorkerLine[] = [];
    const report = await submitRender({
      redis: c.redis,
      plan,
      signal: r.signal,
      onEvent: (e) => {
        if (e.type === 'progress') for (const nodeId of encodes) emit({ type: 'node-progress', runId, nodeId, done: e.done, total: e.total });
        const next = foldWorkerLines(lines, e);
        if (e.type !== 'progress') r.onWorkers((lines = next));
      },
    });
    for (const [nodeId, n] of Object.entries(report.nodes)) {
      emit({ type: 'node-done', runId, nodeId, ms: n.ms, computedFrames: n.computedFrames, cacheHits: n.cacheHits, stats: n.stats });
    }
    const done: RunReport = { ...report, runId };
    emit({ type: 'run-done', runId, report: done });
    return done;
  } catch (e) {
    const err = toAneloError(e);
    emit({ type: 'run-error', runId, code: err.code, nodeId: err.where.nodeId, message: err.message });
    throw err;
  }
}
