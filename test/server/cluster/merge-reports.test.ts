import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../nodes/core/events.ts';
import { mergeReports } from '../../../server/cluster/merge-reports.ts';

const report = (nodes: RunReport['nodes']): RunReport => ({ runId: 'r', totalMs: 1, frames: { start: 0, end: 1 }, nodes, outputs: {}, warnings: [] });

describe('mergeReports', () => {
  it('sums frames, hits and time over segments, weights per-frame stats by segment length, and lists where each ran', () => {
    const merged = mergeReports('render', { start: 0, end: 40 }, [
      { index: 0, start: 0, end: 10, worker: 'a:1', ms: 100, startedAt: 1000, endedAt: 1100, firstFrameMs: 40, cpuMs: 150, report: report({ depth: { type: 'depth', status: 'ran', computedFrames: 16, cacheHits: 0, ms: 50, stats: { flicker: 0.1 } } }) },
      { index: 1, start: 10, end: 40, worker: 'b:2', ms: 300, startedAt: 1000, endedAt: 1300, firstFrameMs: 60, cpuMs: 500, report: report({ depth: { type: 'depth', status: 'cached', computedFrames: 0, cacheHits: 2, ms: 0, stats: { flicker: 0.3 } } }) },
    ], { encode: '/out.mp4' }, { totalMs: 500, startedAt: 900, joinStartedAt: 1310, planMs: 20, joinMs: 30, cuts: [10] });
    expect(merged.nodes.depth).toEqual({ type: 'depth', status: 'ran', computedFrames: 16, cacheHits: 2, ms: 50, stats: { flicker: expect.closeTo(0.25, 10) } });
    expect(merged).toMatchObject({ runId: 'render', totalMs: 500, frames: { start: 0, end: 40 }, outputs: { encode: '/out.mp4' } });
    expect(merged.cluster.segments).toEqual([
      { index: 0, start: 0, end: 10, worker: 'a:1', ms: 100, startedAt: 1000, endedAt: 1100, firstFrameMs: 40, cpuMs: 150 },
      { index: 1, start: 10, end: 40, worker: 'b:2', ms: 300, startedAt: 1000, endedAt: 1300, firstFrameMs: 60, cpuMs: 500 },
    ]);
  });

  it('a node every segment took from the cache reads cached', () => {
    const cached = { type: 'decode', status: 'cached' as const, computedFrames: 0, cacheHits: 1, ms: 0, stats: {} };
    const merged = mergeReports('r', { start: 0, end: 2 }, [
      { index: 0, start: 0, end: 1, worker: 'a', ms: 1, startedAt: 0, endedAt: 1, firstFrameMs: 1, cpuMs: 1, report: report({ decode: cached }) },
      { index: 1, start: 1, end: 2, worker: 'a', ms: 1, startedAt: 0, endedAt: 1, firstFrameMs: 1, cpuMs: 1, report: report({ decode: cached }) },
    ], {}, { totalMs: 1, startedAt: 0, joinStartedAt: 2, planMs: 0, joinMs: 0, cuts: [] });
    expect(merged.nodes.decode.status).toBe('cached');
  });

  it("puts the planner's warnings (a range cut to the input) first, then each segment's, each once", () => {
    const warned = (w: string[]): RunReport => ({ ...report({}), warnings: w });
    const merged = mergeReports('r', { start: 0, end: 2 }, [
      { index: 0, start: 0, end: 1, worker: 'a', ms: 1, startedAt: 0, endedAt: 1, firstFrameMs: 1, cpuMs: 1, report: warned(['ANELO_E037_CACHE_TROUBLE: disk full']) },
      { index: 1, start: 1, end: 2, worker: 'b', ms: 1, startedAt: 0, endedAt: 1, firstFrameMs: 1, cpuMs: 1, report: warned(['ANELO_E037_CACHE_TROUBLE: disk full']) },
    ], {}, { totalMs: 1, startedAt: 0, joinStartedAt: 2, planMs: 0, joinMs: 0, cuts: [], warnings: ['ANELO_E033_FRAME_OUT_OF_RANGE: frames 0:9 end past the input\'s 2 frames: rendering 0:2'] });
    expect(merged.warnings).toEqual(["ANELO_E033_FRAME_OUT_OF_RANGE: frames 0:9 end past the input's 2 frames: rendering 0:2", 'ANELO_E037_CACHE_TROUBLE: disk full']);
  });
});
