/** POST /api/prepare: the editor's graph gets its depth models loaded before the first preview asks for depth. */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../../nodes/core/api-types.ts';
import { tempModelDir, writeDepthAnythingLike, writeRank3Model } from '../../helpers/test-models.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
let savedModelsDir: string | undefined;
let modelDir: string;

beforeEach(() => {
  savedModelsDir = process.env.ANELO_MODELS_DIR;
  const dir = (modelDir = tempModelDir());
  writeDepthAnythingLike(dir, { weights: [0.2, 0.5, 0.3], bias: 0.1 });
  // The depth node resolves models through the services' store, which reads ANELO_MODELS_DIR.
  process.env.ANELO_MODELS_DIR = dir;
});

afterEach(async () => {
  await t?.close();
  rmSync(modelDir, { recursive: true, force: true });
  if (savedModelsDir === undefined) delete process.env.ANELO_MODELS_DIR;
  else process.env.ANELO_MODELS_DIR = savedModelsDir;
});

const at = { x: 0, y: 0 };
const depthGraph = (depthParams: Record<string, unknown>) => ({
  schemaVersion: 1,
  nodes: [
    { id: 'dec', type: 'decode', params: {}, position: at },
    { id: 'depth', type: 'depth', params: depthParams, position: at },
  ],
  edges: [{ source: 'dec', sourcePort: 'frames', target: 'depth', targetPort: 'frames' }],
});

const prepare = (graph: unknown, input = 'carphone-176x144.mp4') => t.app.inject({ method: 'POST', url: '/api/prepare', payload: { graph, input } });

describe('POST /api/prepare', () => {
  it('answers at once naming the depth node, and its model loads with the node params before any preview', async () => {
    t = await buildTestApp();
    const loads = vi.spyOn(t.app.services.depth!, 'prepare');
    const res = await prepare(depthGraph({ model: 'test-da-like', precision: 'fp32' }));
    expect([res.statusCode, res.json()]).toEqual([202, { preparing: ['depth'] }]);
    await vi.waitFor(() => expect(loads).toHaveBeenCalledTimes(1));
    expect(loads.mock.calls[0][0]).toMatchObject({ model: 'test-da-like', precision: 'fp32' });
    // The real load, on the depth threads: it resolves, and a preview after it computes depth as ever.
    await expect(loads.mock.results[0].value).resolves.toBeUndefined();
    const preview = await t.app.inject({ method: 'POST', url: '/api/preview', payload: { graph: depthGraph({ model: 'test-da-like', precision: 'fp32' }), input: 'carphone-176x144.mp4', nodeId: 'depth', frame: 3 } });
    expect([preview.statusCode, JSON.parse(String(preview.headers['x-anelo-computed']))]).toEqual([200, { dec: 1, depth: 1 }]);
  });

  it('tells the editor as the model loads: loading, then ready, on the events socket; a client connecting meanwhile hears it is loading', async () => {
    t = await buildTestApp();
    const loads = vi.spyOn(t.app.services.depth!, 'prepare');
    const heard: ServerMessage[] = [];
    const greeted: string[] = [];
    t.app.eventHub.subscribe((m) => {
      if (m.kind !== 'model-load') return;
      heard.push(m);
      // An editor that opens its socket while the model loads.
      if (m.load.state === 'loading') t.app.eventHub.add({ readyState: 1, bufferedAmount: 0, send: (text) => greeted.push(text) });
    });
    const graph = depthGraph({ model: 'test-da-like' });
    await prepare(graph);
    await vi.waitFor(() => expect(loads).toHaveBeenCalledTimes(1));
    await loads.mock.results[0].value;
    expect(heard).toEqual([
      { kind: 'model-load', load: { model: 'test-da-like', state: 'loading' } },
      { kind: 'model-load', load: { model: 'test-da-like', state: 'ready', ms: expect.any(Number) } },
    ]);
    expect(JSON.parse(greeted[0])).toEqual({ kind: 'model-load', load: { model: 'test-da-like', state: 'loading' } });
    // Asked again, the model is there: nothing to show.
    await prepare(graph);
    await vi.waitFor(() => expect(loads).toHaveBeenCalledTimes(2));
    await loads.mock.results[1].value;
    expect(heard).toHaveLength(2);
    // A client connecting now hears of no load.
    const later: string[] = [];
    t.app.eventHub.add({ readyState: 1, bufferedAmount: 0, send: (text) => later.push(text) });
    expect(later).toEqual([]);
    // A model that cannot load: 'failed' with the coded error a page may see (the file named, not where it lives).
    writeRank3Model(modelDir, 'test-broken');
    await prepare(depthGraph({ model: 'test-broken' }));
    await vi.waitFor(() => expect(heard).toHaveLength(4));
    expect(heard[3]).toMatchObject({ kind: 'model-load', load: { model: 'test-broken', state: 'failed', error: { code: 'ANELO_E042_MODEL_MANIFEST', message: expect.stringContaining('test-broken.onnx') } } });
    expect(JSON.stringify(heard[3])).not.toContain(modelDir);
  });

  it('a graph without a depth node prepares nothing; what a preview would refuse is refused with the same code', async () => {
    t = await buildTestApp();
    const plain = { schemaVersion: 1, nodes: [{ id: 'dec', type: 'decode', params: {}, position: at }], edges: [] };
    expect((await prepare(plain)).json()).toEqual({ preparing: [] });
    const cases: [unknown, string, number, string][] = [
      [depthGraph({ model: 'test-da-like' }), 'missing.mp4', 404, 'ANELO_E070_MEDIA_NOT_FOUND'],
      [depthGraph({ model: 'test-da-like' }), '../etc/passwd', 400, 'ANELO_E072_MEDIA_NAME'],
      [depthGraph({ model: '/etc/shadow.onnx' }), 'carphone-176x144.mp4', 400, 'ANELO_E001_GRAPH_INVALID'],
      [{ schemaVersion: 1, nodes: [], edges: 'x' }, 'carphone-176x144.mp4', 400, 'ANELO_E001_GRAPH_INVALID'],
    ];
    for (const [graph, input, status, code] of cases) {
      const res = await prepare(graph, input);
      expect([res.statusCode, res.json().error.code], JSON.stringify([graph, input])).toEqual([status, code]);
    }
    const unknown = await prepare(depthGraph({ model: 'no-such-model' }));
    const asPreview = await t.app.inject({ method: 'POST', url: '/api/preview', payload: { graph: depthGraph({ model: 'no-such-model' }), input: 'carphone-176x144.mp4', nodeId: 'depth', frame: 0 } });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([asPreview.statusCode, asPreview.json().error.code]);
    expect(unknown.statusCode).toBeGreaterThanOrEqual(400);
  });
});
