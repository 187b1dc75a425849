/** What the editor shows while the server loads a depth model: which previews wait on it, and the count it keeps. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../client/src/api/api-types.ts';
import { modelsLoadingFor } from '../../client/src/lib/model-loading.ts';
import { getState, update } from '../../client/src/store/editor-store.ts';
import { SHOW_LOAD_AFTER_MS } from '../../client/src/store/model-actions.ts';
import { onServerMessage } from '../../client/src/store/run-actions.ts';
import { shippedCatalogue as catalogue, twoDepthGraph } from './catalogue-fixture.ts';

/** decode → depth (fastdepth) → smooth → warp, and a second depth node (midas) beside it. */
const graph = twoDepthGraph();
const models = [{ id: 'fastdepth', name: 'FastDepth' }];

describe('models a preview waits on', () => {
  it('names the loading models the node or what feeds it uses, by their listed names, and none elsewhere', () => {
    const shown = { shown: true };
    const both = { fastdepth: shown, midas: shown };
    expect(modelsLoadingFor(graph, 'warp', catalogue, both, models)).toEqual(['FastDepth']);
    expect(modelsLoadingFor(graph, 'depth', catalogue, both, models)).toEqual(['FastDepth']);
    // Not listed: its id.
    expect(modelsLoadingFor(graph, 'other', catalogue, both, models)).toEqual(['midas']);
    expect(modelsLoadingFor(graph, 'decode', catalogue, both, models)).toEqual([]);
    expect(modelsLoadingFor(graph, 'warp', catalogue, { midas: shown }, models)).toEqual([]);
    expect(modelsLoadingFor(graph, 'warp', catalogue, { fastdepth: { shown: false } }, models)).toEqual([]);
    expect(modelsLoadingFor(graph, 'warp', catalogue, {}, models)).toEqual([]);
    expect(modelsLoadingFor(graph, null, catalogue, both, models)).toEqual([]);
    // A bypassed depth node computes nothing, so nothing waits on its model.
    const bypassed = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'depth' ? { ...n, bypass: true } : n)) };
    expect(modelsLoadingFor(bypassed, 'warp', catalogue, both, models)).toEqual([]);
  });
});

describe('model loads the server reports', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const load = (state: 'loading' | 'ready' | 'failed'): ServerMessage =>
    ({ kind: 'model-load', load: state === 'ready' ? { model: 'fastdepth', state, ms: 5 } : state === 'failed' ? { model: 'fastdepth', state, error: { code: 'ANELO_E042_MODEL_MANIFEST', message: 'x' } } : { model: 'fastdepth', state } }) as ServerMessage;
  const shown = (): boolean | undefined => getState().modelLoads.fastdepth?.shown;

  it('are shown once they last, not flashed when they end at once', () => {
    onServerMessage(load('loading'));
    vi.advanceTimersByTime(SHOW_LOAD_AFTER_MS - 50);
    expect(shown()).toBe(false);
    onServerMessage(load('ready'));
    expect(getState().modelLoads).toEqual({});
    // The next load is timed from its own start, not the last one's.
    onServerMessage(load('loading'));
    vi.advanceTimersByTime(100);
    expect(shown()).toBe(false);
    vi.advanceTimersByTime(SHOW_LOAD_AFTER_MS);
    expect(shown()).toBe(true);
    onServerMessage(load('ready'));
    expect(getState().modelLoads).toEqual({});
  });

  it('are counted, so two loads of one model end with the second; an end heard without its start leaves nothing', () => {
    onServerMessage(load('loading'));
    onServerMessage(load('loading'));
    vi.advanceTimersByTime(SHOW_LOAD_AFTER_MS);
    onServerMessage(load('ready'));
    expect(getState().modelLoads.fastdepth).toMatchObject({ count: 1, shown: true });
    onServerMessage(load('failed'));
    expect(getState().modelLoads).toEqual({});
    onServerMessage(load('ready'));
    expect(getState().modelLoads).toEqual({});
  });

  it('a failed load pins its error on the nodes that use the model at once, and a load that works takes it off', () => {
    update((d) => {
      d.graph = twoDepthGraph();
      d.catalogue = catalogue;
      d.nodeErrors = { warp: 'ANELO_E020_NODE_FAILED: something else' };
    });
    onServerMessage(load('loading'));
    onServerMessage(load('failed'));
    // The node using fastdepth gets the coded error, as a failed preview would pin it; the one using midas does not.
    expect(getState().nodeErrors).toEqual({ depth: 'ANELO_E042_MODEL_MANIFEST: x', warp: 'ANELO_E020_NODE_FAILED: something else' });
    onServerMessage(load('loading'));
    onServerMessage(load('ready'));
    // Only what the failed load pinned goes.
    expect(getState().nodeErrors).toEqual({ warp: 'ANELO_E020_NODE_FAILED: something else' });
  });
});
