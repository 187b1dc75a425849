/**
 * Renders executor events as a one-line progress bar on a TTY, or as plain lines for logs and pipes. Warnings (a
 * decoder that concealed damaged frames, cache trouble) are printed as they happen, one line each, so a render that
 * succeeds with something to know about says so where the user is looking, not only in `--report`.
 */
import { warningText, type ExecutorEvent } from '../../nodes/core/events.ts';

export function createProgressView(stream: NodeJS.WriteStream, sinkIds: string[]): (e: ExecutorEvent) => void {
  const tty = Boolean(stream.isTTY);
  let lastPlain = -1;
  let current = '';
  /** The TTY bar is on the current line (a warning first ends it). */
  let barShown = false;
  return (e) => {
    if (e.type === 'node-start') current = e.nodeId;
    if (e.type === 'node-progress' && sinkIds.includes(e.nodeId)) {
      const pct = e.total ? Math.floor((100 * e.done) / e.total) : 0;
      if (tty) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${e.done}/${e.total} frames  ${current.padEnd(12)}`);
        barShown = true;
      } else if (pct >= lastPlain + 10 || e.done === e.total) {
        lastPlain = pct;
        stream.write(`progress ${pct}% (${e.done}/${e.total} frames)\n`);
      }
    }
    if (e.type === 'run-warning') {
      stream.write(`${barShown ? '\n' : ''}warning ${warningText(e)}\n`);
      barShown = false;
    }
    if (e.type === 'run-done' && tty && barShown) stream.write('\n');
  };
}
