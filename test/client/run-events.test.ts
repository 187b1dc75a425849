/**
 * The editor's handling of the run event stream: per-frame progress is applied in batches, at most every 100 ms,
 * so a render does not re-render the page 30+ times a second; every other event first applies what is pending.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../client/src/api/api-types.ts';
import { getState, subscribe } from '../../client/src/store/editor-store.ts';
import { onServerMessage } from '../../client/src/store/run-actions.ts';

const runId = 'r1';
const progress = (done: number): ServerMessage => ({ kind: 'run', runId, event: { type: 'node-progress', runId, nodeId: 'encode', done, total: 100 } });
const nodeDone: ServerMessage = { kind: 'run', runId, event: { type: 'node-done', runId, nodeId: 'encode', ms: 1234, computedFrames: 100, cacheHits: 0, stats: {} } };

describe('run events in the editor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies a burst of progress in one update within 100 ms, in order', () => {
    let updates = 0;
    const stop = subscribe(() => updates++);
    for (let done = 1; done <= 30; done++) onServerMessage(progress(done));
    expect(updates).toBe(0);
    vi.advanceTimersByTime(100);
    expect(updates).toBe(1);
    expect(getState().runs[runId]?.nodes.encode).toMatchObject({ status: 'running', done: 30, total: 100 });
    stop();
  });

  it('applies pending progress before any other event, so node-done is never overtaken', () => {
    onServerMessage(progress(99));
    onServerMessage(nodeDone);
    // At once, without waiting for the timer: the progress first, then the node's end.
    expect(getState().runs[runId]?.nodes.encode).toMatchObject({ status: 'done', ms: 1234 });
    vi.advanceTimersByTime(200);
    expect(getState().runs[runId]?.nodes.encode?.status).toBe('done');
  });
});
