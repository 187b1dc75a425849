/** The CLI's progress output: a bar on a terminal, lines in a log, and warnings on a line of their own in both. */
import { describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../../nodes/core/events.ts';
import { createProgressView } from '../../../server/cli/progress-view.ts';

function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

const runId = 'r';
const events: ExecutorEvent[] = [
  { type: 'node-start', runId, nodeId: 'encode' },
  { type: 'node-progress', runId, nodeId: 'encode', done: 5, total: 10 },
  { type: 'run-warning', runId, code: 'ANELO_E038_NODE_WARNING', nodeId: 'decode', message: 'ffmpeg reported 3 decode error(s) in frames 0..9 of clip.mp4' },
  { type: 'node-progress', runId, nodeId: 'encode', done: 10, total: 10 },
  { type: 'run-warning', runId, code: 'ANELO_E037_CACHE_TROUBLE', message: 'cache write failed, the run goes on uncached: ENOSPC' },
];

describe('progress view', () => {
  it('in a log: progress lines and each warning on its own line, with its code and node', () => {
    const { stream, text } = capture(false);
    const view = createProgressView(stream, ['encode']);
    for (const e of events) view(e);
    expect(text().split('\n')).toEqual([
      'progress 50% (5/10 frames)',
      'warning ANELO_E038_NODE_WARNING (node decode): ffmpeg reported 3 decode error(s) in frames 0..9 of clip.mp4',
      'progress 100% (10/10 frames)',
      'warning ANELO_E037_CACHE_TROUBLE: cache write failed, the run goes on uncached: ENOSPC',
      '',
    ]);
  });

  it('on a terminal: a warning ends the bar\'s line first, and the bar carries on below it', () => {
    const { stream, text } = capture(true);
    const view = createProgressView(stream, ['encode']);
    for (const e of events.slice(0, 4)) view(e);
    view({ type: 'run-done', runId, report: { runId, totalMs: 1, frames: { start: 0, end: 10 }, nodes: {}, outputs: {}, warnings: [] } });
    const lines = text().split('\n');
    expect(lines[0]).toMatch(/^\r\[#+\.+\]  50% 5\/10 frames/);
    expect(lines[1]).toBe('warning ANELO_E038_NODE_WARNING (node decode): ffmpeg reported 3 decode error(s) in frames 0..9 of clip.mp4');
    expect(lines[2]).toMatch(/^\r\[#{30}\] 100% 10\/10 frames/);
    expect(lines[3]).toBe('');
    expect(lines).toHaveLength(4);
  });
});
