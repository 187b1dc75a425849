import { describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../client/src/api/api-types.ts';
import { applyRunEvent, newRunView, overallProgress } from '../../client/src/lib/run-progress.ts';

describe('run progress from executor events', () => {
  const replay = (events: ExecutorEvent[]) => events.reduce(applyRunEvent, newRunView('r1'));

  it('counts cached and finished nodes as complete and running ones by frames', () => {
    const v = replay([
      { type: 'run-start', runId: 'r1', nodes: ['decode', 'depth'], frames: { start: 0, end: 100 } },
      { type: 'node-cached', runId: 'r1', nodeId: 'decode', frames: 100 },
      { type: 'node-start', runId: 'r1', nodeId: 'depth' },
      { type: 'node-progress', runId: 'r1', nodeId: 'depth', done: 50, total: 100 },
    ]);
    expect(v.state).toBe('running');
    expect(v.nodes.decode.status).toBe('cached');
    expect(overallProgress(v)).toBeCloseTo(0.75);
  });

  it('records ms per node, outputs at the end, and errors against their node', () => {
    const done = replay([
      { type: 'run-start', runId: 'r1', nodes: ['depth'], frames: { start: 0, end: 100 } },
      { type: 'node-done', runId: 'r1', nodeId: 'depth', ms: 812, computedFrames: 100, cacheHits: 0, stats: {} },
      { type: 'run-done', runId: 'r1', report: { runId: 'r1', totalMs: 900, frames: { start: 0, end: 100 }, nodes: {}, outputs: { enc: 'clip-enc-20260101-120000_LRF_Full_SBS.mp4' }, warnings: [] } },
    ]);
    expect(done.nodes.depth).toMatchObject({ status: 'done', ms: 812 });
    expect(done.outputs).toEqual(['clip-enc-20260101-120000_LRF_Full_SBS.mp4']);
    const failed = replay([{ type: 'run-error', runId: 'r1', code: 'ANELO_E031_NODE_FAILED', nodeId: 'depth', message: 'boom' }]);
    expect(failed.state).toBe('error');
    expect(failed.nodes.depth).toMatchObject({ status: 'error', message: 'boom' });
    expect(replay([{ type: 'run-error', runId: 'r1', code: 'ANELO_E030_CANCELLED', message: 'Run cancelled' }]).state).toBe('cancelled');
  });
});
