/** The CLI's progress output: a bar on a terminal, lines in a log, and warnings on a line of their own in both. */
import { describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../../nodes/core/events.ts';
import { createProgressView, HEARTBEAT_MS } from '../../../server/cli/progress-view.ts';

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

  it('in a log: a line once the first frames are out, at every 10 %, at the end, and while frames come at least every 30 s', () => {
    const { stream, text } = capture(false);
    let clock = 0;
    const view = createProgressView(stream, ['encode'], () => clock);
    const progress = (done: number): void => view({ type: 'node-progress', runId, nodeId: 'encode', done, total: 1000 });
    progress(0);
    expect(text()).toBe('');
    // A slow render: 4 frames a second for 60 s, then faster.
    for (let done = 4; done <= 240; done += 4) {
      clock += 1000;
      progress(done);
    }
    // 50 s since the last line (at 200 frames), with frames out since: a line although no 10 % step was passed.
    clock += 40_000;
    progress(240);
    // A minute more with no new frame: no line.
    clock += 60_000;
    progress(240);
    for (let done = 250; done <= 1000; done += 10) progress(done);
    progress(1000);
    expect(text().split('\n')).toEqual([
      'progress 0% (4/1000 frames)',
      'progress 10% (100/1000 frames)',
      'progress 20% (200/1000 frames)',
      'progress 24% (240/1000 frames)',
      // The next frames, a minute after that line.
      'progress 25% (250/1000 frames)',
      'progress 30% (300/1000 frames)',
      'progress 40% (400/1000 frames)',
      'progress 50% (500/1000 frames)',
      'progress 60% (600/1000 frames)',
      'progress 70% (700/1000 frames)',
      'progress 80% (800/1000 frames)',
      'progress 90% (900/1000 frames)',
      'progress 100% (1000/1000 frames)',
      '',
    ]);
    expect(HEARTBEAT_MS).toBe(30_000);
  });

  it('in a log with two outputs: each output\'s lines name it', () => {
    const { stream, text } = capture(false);
    const view = createProgressView(stream, ['left', 'right']);
    for (const nodeId of ['left', 'right']) view({ type: 'node-progress', runId, nodeId, done: 10, total: 10 });
    expect(text()).toBe('progress 100% (10/10 frames) left\nprogress 100% (10/10 frames) right\n');
  });

  it('a model that loads gets a line as it starts and one with the time it took; a failed load is left to the run\'s error', () => {
    const { stream, text } = capture(true);
    const view = createProgressView(stream, ['encode']);
    view.modelLoad({ model: 'fastdepth-nyu-224', state: 'loading' });
    view({ type: 'node-progress', runId, nodeId: 'encode', done: 5, total: 10 });
    // On a terminal the bar's line is ended first.
    view.modelLoad({ model: 'fastdepth-nyu-224', state: 'ready', ms: 850 });
    view.modelLoad({ model: 'broken', state: 'loading' });
    view.modelLoad({ model: 'broken', state: 'failed', error: { code: 'ANELO_E042_MODEL_MANIFEST', title: 'Model manifest', message: 'no good' } });
    const lines = text().split('\n');
    expect(lines[0]).toBe('loading model fastdepth-nyu-224…');
    expect(lines[1]).toMatch(/^\r\[#+\.+\]  50% 5\/10 frames/);
    expect(lines.slice(2)).toEqual(['model fastdepth-nyu-224 loaded in 850 ms', 'loading model broken…', '']);
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
