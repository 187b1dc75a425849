import { describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../client/src/api/api-types.ts';
import { applyRunEvent, newRunView, overallProgress } from '../../client/src/lib/run-progress.ts';

describe('run progress from executor events', () => {
  const replay = (events: ExecutorEvent[]) => events.reduce(applyRunEvent, newRunView('r1'));

  it('leaves cached nodes out of the work to do and counts running ones by frames', () => {
    const v = replay([
      { type: 'run-start', runId: 'r1', nodes: ['decode', 'depth'], frames: { start: 0, end: 100 } },
      { type: 'node-cached', runId: 'r1', nodeId: 'decode', frames: 100 },
      { type: 'node-start', runId: 'r1', nodeId: 'depth' },
      { type: 'node-progress', runId: 'r1', nodeId: 'depth', done: 50, total: 100 },
    ]);
    expect(v.state).toBe('running');
    expect(v.nodes.decode.status).toBe('cached');
    expect(overallProgress(v)).toBeCloseTo(0.5);
  });

  it('shows a node cached from its first cache hit, through its progress events, while nothing is computed', () => {
    const chunk = (n: number): ExecutorEvent[] => [
      { type: 'node-cached', runId: 'r1', nodeId: 'depth', frames: 16 },
      { type: 'node-progress', runId: 'r1', nodeId: 'depth', done: 16 * n, total: 48 },
    ];
    const start: ExecutorEvent[] = [
      { type: 'run-start', runId: 'r1', nodes: ['depth', 'smooth'], frames: { start: 0, end: 48 } },
      { type: 'node-start', runId: 'r1', nodeId: 'depth' },
    ];
    expect(replay([...start, ...chunk(1)]).nodes.depth.status).toBe('cached');
    expect(replay([...start, ...chunk(1), ...chunk(2)]).nodes.depth.status).toBe('cached');
    // A chunk it has to compute makes it running.
    const mixed = replay([...start, ...chunk(1), { type: 'node-progress', runId: 'r1', nodeId: 'depth', done: 24, total: 48 }]);
    expect(mixed.nodes.depth.status).toBe('running');
  });

  it('weighs nodes by their cost per frame and never reads 100 % while the run is live', () => {
    const v = replay([
      { type: 'run-start', runId: 'r1', nodes: ['decode', 'encode'], frames: { start: 0, end: 100 } },
      { type: 'node-done', runId: 'r1', nodeId: 'decode', ms: 100, computedFrames: 100, cacheHits: 0, stats: {} },
      { type: 'node-progress', runId: 'r1', nodeId: 'encode', done: 100, total: 100 },
    ]);
    const cost = (id: string) => (id === 'decode' ? 1 : 24);
    expect(overallProgress(v, cost)).toBe(0.99);
    const half = replay([
      { type: 'run-start', runId: 'r1', nodes: ['decode', 'encode'], frames: { start: 0, end: 100 } },
      { type: 'node-done', runId: 'r1', nodeId: 'decode', ms: 100, computedFrames: 100, cacheHits: 0, stats: {} },
      { type: 'node-progress', runId: 'r1', nodeId: 'encode', done: 50, total: 100 },
    ]);
    expect(overallProgress(half, cost)).toBeCloseTo((1 + 12) / 25);
  });

  it('ends every unfinished node cleanly when the run is cancelled', () => {
    const v = replay([
      { type: 'run-start', runId: 'r1', nodes: ['decode', 'depth', 'encode'], frames: { start: 0, end: 100 } },
      { type: 'node-done', runId: 'r1', nodeId: 'decode', ms: 100, computedFrames: 100, cacheHits: 0, stats: {} },
      { type: 'node-progress', runId: 'r1', nodeId: 'depth', done: 30, total: 100 },
      { type: 'run-error', runId: 'r1', code: 'ANELO_E030_CANCELLED', message: 'Run cancelled' },
    ]);
    expect(v.state).toBe('cancelled');
    expect([v.nodes.decode.status, v.nodes.depth.status, v.nodes.encode.status]).toEqual(['done', 'stopped', 'stopped']);
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

  it('keeps the warnings a run sends, worded as its report words them, in order', () => {
    const v = replay([
      { type: 'run-start', runId: 'r1', nodes: ['decode', 'encode'], frames: { start: 0, end: 30 } },
      { type: 'run-warning', runId: 'r1', code: 'ANELO_E038_NODE_WARNING', nodeId: 'decode', message: 'ffmpeg reported 2 decode error(s) in frames 0..15 of clip.mp4' },
      { type: 'run-warning', runId: 'r1', code: 'ANELO_E037_CACHE_TROUBLE', message: 'cache write failed, the run goes on uncached: ENOSPC' },
      { type: 'node-done', runId: 'r1', nodeId: 'decode', ms: 10, computedFrames: 30, cacheHits: 0, stats: {} },
    ]);
    expect(v.warnings).toEqual([
      'ANELO_E038_NODE_WARNING (node decode): ffmpeg reported 2 decode error(s) in frames 0..15 of clip.mp4',
      'ANELO_E037_CACHE_TROUBLE: cache write failed, the run goes on uncached: ENOSPC',
    ]);
    expect(replay([{ type: 'run-start', runId: 'r1', nodes: ['decode'], frames: { start: 0, end: 1 } }]).warnings).toBeUndefined();
  });
});
