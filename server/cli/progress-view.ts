/**
 * Renders executor events as a one-line progress bar on a TTY, or as plain lines for logs and pipes. Warnings (a
 * decoder that concealed damaged frames, cache trouble) are printed as they happen, one line each, so a render that
 * succeeds with something to know about says so where the user is looking, not only in `--report`.
 *
 * A log gets a line when the first frames are out (the render is under way), at every 10 %, at the end, and at
 * least every HEARTBEAT_MS while frames still come: 10 % of a long clip through a real-size model on a CPU (an hour
 * at 24 fps, Depth Anything at a frame a second) is hours, which a log must not pass in silence.
 */
import { warningText, type ExecutorEvent } from '../../nodes/core/events.ts';
import type { ModelLoadEvent } from '../../nodes/core/types.ts';

/** Longest a log goes without a progress line while frames still come. */
export const HEARTBEAT_MS = 30_000;

/** Takes executor events; `modelLoad` takes the depth service's (server/depth/model-loads.ts). */
export interface ProgressView {
  (e: ExecutorEvent): void;
  /**
   * A line as a model starts to load and one as it is ready, with the time it took: before the first frames come,
   * a large model on a CPU loads for seconds, which a log should account for. A failed load is the run's error.
   */
  modelLoad(e: ModelLoadEvent): void;
}

export function createProgressView(stream: NodeJS.WriteStream, sinkIds: string[], now: () => number = Date.now): ProgressView {
  const tty = Boolean(stream.isTTY);
  /** Per sink, what its last log line said and when. */
  const logged = new Map<string, { pct: number; done: number; at: number }>();
  let current = '';
  /** The TTY bar is on the current line (a warning first ends it). */
  let barShown = false;
  /** A line of its own: it first ends the bar's line. */
  const line = (text: string): void => {
    stream.write(`${barShown ? '\n' : ''}${text}\n`);
    barShown = false;
  };
  const view = (e: ExecutorEvent): void => {
    if (e.type === 'node-start') current = e.nodeId;
    if (e.type === 'node-progress' && sinkIds.includes(e.nodeId)) {
      const pct = e.total ? Math.floor((100 * e.done) / e.total) : 0;
      if (tty) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${e.done}/${e.total} frames  ${current.padEnd(12)}`);
        barShown = true;
      } else {
        const last = logged.get(e.nodeId);
        const step = !last || pct >= last.pct + 10;
        const due = !last ? e.done > 0 || e.done === e.total : e.done > last.done && (step || e.done === e.total || now() - last.at >= HEARTBEAT_MS);
        if (due) {
          logged.set(e.nodeId, { pct: step ? pct - (pct % 10) : last.pct, done: e.done, at: now() });
          // Two outputs each say which they are.
          stream.write(`progress ${pct}% (${e.done}/${e.total} frames)${sinkIds.length > 1 ? ` ${e.nodeId}` : ''}\n`);
        }
      }
    }
    if (e.type === 'run-warning') line(`warning ${warningText(e)}`);
    if (e.type === 'run-done' && tty && barShown) stream.write('\n');
  };
  return Object.assign(view, {
    modelLoad(e: ModelLoadEvent): void {
      if (e.state === 'loading') line(`loading model ${e.model}…`);
      else if (e.state === 'ready') line(`model ${e.model} loaded in ${e.ms} ms`);
    },
  });
}
