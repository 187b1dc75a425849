import { describe, expect, it } from 'vitest';
import type { RunWorkerLine } from '../../../nodes/core/api-types.ts';
import type { ClusterEvent } from '../../../server/cluster/submit-render.ts';
import { foldWorkerLines } from '../../../server/cluster/worker-lines.ts';

const fold = (events: ClusterEvent[]): RunWorkerLine[] => events.reduce<RunWorkerLine[]>(foldWorkerLines, []);

describe('worker lines of a cluster run', () => {
  it('show each worker on its segment with frames done, then how many segments it finished and who joined', () => {
    const lines = fold([
      { type: 'segment-start', index: 0, start: 0, end: 30, worker: 'a:1' },
      { type: 'segment-start', index: 1, start: 30, end: 76, worker: 'b:2' },
      { type: 'segment-progress', index: 1, worker: 'b:2', done: 20, total: 46 },
      { type: 'segment-progress', index: 0, worker: 'a:1', done: 12, total: 30 },
    ]);
    expect(lines).toEqual([
      { worker: 'a:1', state: 'rendering', segment: { index: 0, start: 0, end: 30 }, done: 12, total: 30, segmentsDone: 0 },
      { worker: 'b:2', state: 'rendering', segment: { index: 1, start: 30, end: 76 }, done: 20, total: 46, segmentsDone: 0 },
    ]);
    const after = [
      { type: 'segment-done', index: 0, worker: 'a:1', ms: 900 },
      { type: 'segment-start', index: 2, start: 76, end: 96, worker: 'a:1' },
      { type: 'segment-done', index: 2, worker: 'a:1', ms: 400 },
      { type: 'segment-done', index: 1, worker: 'b:2', ms: 1500 },
      { type: 'join-start' },
      { type: 'join-done', worker: 'b:2', ms: 60 },
    ] satisfies ClusterEvent[];
    const last = after.reduce<RunWorkerLine[]>(foldWorkerLines, lines);
    expect(last.map((l) => [l.worker, l.state, l.segmentsDone, l.joinMs])).toEqual([
      ['a:1', 'idle', 2, undefined],
      ['b:2', 'idle', 1, 60],
    ]);
  });

  it('mark a worker lost when its segment stalls, and show the segment on the worker that takes it next', () => {
    const lines = fold([
      { type: 'segment-start', index: 3, start: 137, end: 187, worker: 'a:1' },
      { type: 'segment-progress', index: 3, worker: 'a:1', done: 10, total: 50 },
      { type: 'segment-stalled', index: 3 },
      { type: 'segment-start', index: 3, start: 137, end: 187, worker: 'b:2' },
      // A late progress message from the lost worker moves nothing.
      { type: 'segment-progress', index: 4, worker: 'a:1', done: 30, total: 50 },
    ]);
    expect(lines.map((l) => [l.worker, l.state, l.segment?.index, l.done])).toEqual([
      ['a:1', 'lost', 3, 10],
      ['b:2', 'rendering', 3, 0],
    ]);
  });
});
