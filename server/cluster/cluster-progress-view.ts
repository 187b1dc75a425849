/**
 * Shows a cluster render like a local one: the same progress bar (fed the summed frames of every segment), with a
 * line per worker event (which worker took which segment, finished it, or was lost) printed above the bar.
 */
import { createProgressView } from '../cli/progress-view.ts';
import type { ClusterEvent } from './submit-render.ts';

export function createClusterProgressView(stream: NodeJS.WriteStream): (e: ClusterEvent) => void {
  const tty = Boolean(stream.isTTY);
  const bar = createProgressView(stream, ['render']);
  let last: ClusterEvent | undefined;
  const line = (text: string): void => {
    stream.write(`${tty ? '\r\x1b[K' : ''}${text}\n`);
    // Redraw the bar under the line just printed.
    if (tty && last?.type === 'progress') bar({ type: 'node-progress', runId: '', nodeId: 'render', done: last.done, total: last.total });
  };
  return (e) => {
    switch (e.type) {
      case 'progress':
        last = e;
        bar({ type: 'node-progress', runId: '', nodeId: 'render', done: e.done, total: e.total });
        return;
      case 'segment-start':
        return line(`worker ${e.worker}: segment ${e.index} frames ${e.start}:${e.end}`);
      case 'segment-done':
        return line(`worker ${e.worker}: segment ${e.index} done in ${e.ms} ms`);
      case 'segment-stalled':
        return line(`segment ${e.index}: its worker stopped answering; queued again for another worker`);
      case 'planned':
        return line(`planned: ${e.segments} segments (cuts at ${e.cuts.join(', ') || 'none'}) in ${e.ms} ms`);
      case 'join-start':
        return line('all segments done: joining');
      case 'join-done':
        return line(`worker ${e.worker}: joined in ${e.ms} ms`);
    }
  };
}
