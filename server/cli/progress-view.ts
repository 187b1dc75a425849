/** Renders executor events as a one-line progress bar on a TTY, or as plain lines for logs and pipes. */
import type { ExecutorEvent } from '../../nodes/core/events.ts';

export function createProgressView(stream: NodeJS.WriteStream, sinkIds: string[]): (e: ExecutorEvent) => void {
  const tty = Boolean(stream.isTTY);
  let lastPlain = -1;
  let current = '';
  return (e) => {
    if (e.type === 'node-start') current = e.nodeId;
    if (e.type === 'node-progress' && sinkIds.includes(e.nodeId)) {
      const pct = e.total ? Math.floor((100 * e.done) / e.total) : 0;
      if (tty) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${e.done}/${e.total} frames  ${current.padEnd(12)}`);
      } else if (pct >= lastPlain + 10 || e.done === e.total) {
        lastPlain = pct;
        stream.write(`progress ${pct}% (${e.done}/${e.total} frames)\n`);
      }
    }
    if (e.type === 'run-done' && tty) stream.write('\n');
  };
}
