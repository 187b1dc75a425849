/** Folds the segments' run reports into one report shaped like a local run's, plus where each segment ran. */
import type { NodeReport, RunReport } from '../../nodes/core/events.ts';
import type { SegmentResult } from './cluster-jobs.ts';

/** Where a segment ran and when (wall clock, ms since 1970 on its worker), for the overhead's timeline. */
export type SegmentTiming = Pick<SegmentResult, 'index' | 'start' | 'end' | 'worker' | 'ms' | 'startedAt' | 'endedAt' | 'firstFrameMs' | 'cpuMs'>;

export interface ClusterReport extends RunReport {
  cluster: {
    /** Wall clock when the planner started, and when the join started (on its worker). */
    startedAt: number;
    joinStartedAt: number;
    planMs: number;
    joinMs: number;
    cuts: number[];
    segments: SegmentTiming[];
  };
}

export function mergeReports(
  runId: string,
  frames: { start: number; end: number },
  segments: SegmentResult[],
  outputs: Record<string, string>,
  extra: { totalMs: number; startedAt: number; joinStartedAt: number; planMs: number; joinMs: number; cuts: number[]; warnings?: string[] },
): ClusterReport {
  const nodes: Record<string, NodeReport> = {};
  const statSums: Record<string, Record<string, { sum: number; frames: number }>> = {};
  for (const s of segments) {
    const n = s.end - s.start;
    for (const [id, r] of Object.entries(s.report.nodes)) {
      const into = (nodes[id] ??= { type: r.type, status: 'skipped', computedFrames: 0, cacheHits: 0, ms: 0, stats: {} });
      into.computedFrames += r.computedFrames;
      into.cacheHits += r.cacheHits;
      into.ms += r.ms;
      if (r.status === 'ran' || (r.status === 'cached' && into.status === 'skipped')) into.status = r.status;
      // Stats are per-frame averages: weight each segment's by the frames it rendered.
      for (const [k, v] of Object.entries(r.stats)) {
        const acc = ((statSums[id] ??= {})[k] ??= { sum: 0, frames: 0 });
        acc.sum += v * n;
        acc.frames += n;
      }
    }
  }
  for (const [id, sums] of Object.entries(statSums)) {
    for (const [k, { sum, frames: f }] of Object.entries(sums)) nodes[id].stats[k] = f ? sum / f : 0;
  }
  const warnings = [...new Set([...(extra.warnings ?? []), ...segments.flatMap((s) => s.report.warnings)])];
  return {
    runId,
    totalMs: extra.totalMs,
    frames,
    nodes,
    outputs,
    warnings,
    cluster: {
      startedAt: extra.startedAt,
      joinStartedAt: extra.joinStartedAt,
      planMs: extra.planMs,
      joinMs: extra.joinMs,
      cuts: extra.cuts,
      segments: segments.map(({ report: _, ...timing }) => timing),
    },
  };
}
