/** Folds a cluster render's events into one line per worker, as the editor's runs panel shows them. */
import type { RunWorkerLine } from '../../nodes/core/api-types.ts';
import type { ClusterEvent } from './submit-render.ts';

export function foldWorkerLines(lines: readonly RunWorkerLine[], e: ClusterEvent): RunWorkerLine[] {
  const set = (worker: string, patch: Partial<RunWorkerLine>): RunWorkerLine[] => {
    const had = lines.find((l) => l.worker === worker);
    const line: RunWorkerLine = { ...(had ?? { worker, state: 'idle', done: 0, total: 0, segmentsDone: 0 }), ...patch };
    return had ? lines.map((l) => (l === had ? line : l)) : [...lines, line];
  };
  const holding = (index: number): RunWorkerLine | undefined => lines.find((l) => l.state === 'rendering' && l.segment?.index === index);
  switch (e.type) {
    case 'segment-start':
      return set(e.worker, { state: 'rendering', segment: { index: e.index, start: e.start, end: e.end }, done: 0, total: e.end - e.start });
    case 'segment-progress': {
      const line = lines.find((l) => l.worker === e.worker);
      return line?.segment?.index === e.index ? set(e.worker, { state: 'rendering', done: e.done, total: e.total }) : [...lines];
    }
    case 'segment-done': {
      const line = lines.find((l) => l.worker === e.worker);
      return set(e.worker, { state: 'idle', done: line?.total ?? 0, segmentsDone: (line?.segmentsDone ?? 0) + 1 });
    }
    case 'segment-stalled': {
      const line = holding(e.index);
      return line ? set(line.worker, { state: 'lost' }) : [...lines];
    }
    case 'join-done':
      return set(e.worker, { joinMs: e.ms });
    default:
      return [...lines];
  }
}
