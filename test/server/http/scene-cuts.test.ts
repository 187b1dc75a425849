import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, DECODE_ENCODE, type TestApp } from './test-app.ts';

let t: TestApp;
afterEach(() => t.close());

const ask = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/scene-cuts', headers, payload: { graph: DECODE_ENCODE, input: 'bikes-cuts.mp4', ...body } });

/** Asks until the job is done (or failed), as the editor does. */
async function settle(body: Record<string, unknown>): Promise<{ state: string; cuts: number[]; frameCount: number; done: number; nodeId: string; error?: { code: string } }> {
  for (let i = 0; i < 600; i++) {
    const r = await ask(body);
    expect(r.statusCode).toBe(200);
    const v = r.json();
    if (v.state === 'done' || v.state === 'error') return v;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('scene cuts never finished');
}

const SCENES_GRAPH = {
  ...DECODE_ENCODE,
  nodes: [...DECODE_ENCODE.nodes, { id: 'cuts', type: 'scene-detect', params: { sensitivity: 0.5 }, position: { x: 0, y: 200 } }],
  edges: [...DECODE_ENCODE.edges, { source: 'dec', sourcePort: 'frames', target: 'cuts', targetPort: 'frames' }],
};

describe('scene cuts', () => {
  it('answers at once while the cuts are found in the background, then gives the clip\'s hard cuts', async () => {
    t = await buildTestApp();
    const first = await ask({});
    expect(first.statusCode).toBe(200);
    expect(['queued', 'computing']).toContain(first.json().state);
    const done = await settle({});
    // bikes-cuts.mp4 has hard cuts at frames 30, 76, 137, 187 and 242 (DATA.md), found by a default scene-detect node.
    expect(done).toMatchObject({ state: 'done', cuts: [30, 76, 137, 187, 242], frameCount: 250, done: 250, nodeId: 'scenes-auto' });
  });

  it('uses the graph\'s own scene-detect node, and its params', async () => {
    t = await buildTestApp();
    expect(await settle({ graph: SCENES_GRAPH })).toMatchObject({ state: 'done', cuts: [30, 76, 137, 187, 242], nodeId: 'cuts' });
    // At sensitivity 0 nothing stands out enough to count as a cut.
    const strict = { ...SCENES_GRAPH, nodes: SCENES_GRAPH.nodes.map((n) => (n.id === 'cuts' ? { ...n, params: { sensitivity: 0 } } : n)) };
    const none = await settle({ graph: strict, nodeId: 'cuts' });
    expect(none.cuts.length).toBeLessThan(5);
  });

  it('refuses bad asks with coded errors', async () => {
    t = await buildTestApp();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ nodeId: 'enc' }, 400, 'ANELO_E112_NOT_SCENE_DETECT'],
      [{ nodeId: 'nope' }, 404, 'ANELO_E034_UNKNOWN_NODE'],
      [{ nodeId: '../x' }, 400, 'ANELO_E052_BAD_REQUEST'],
      [{ input: '../etc/passwd' }, 400, 'ANELO_E072_MEDIA_NAME'],
      [{ input: 'missing.mp4' }, 404, 'ANELO_E070_MEDIA_NOT_FOUND'],
      [{ graph: { ...DECODE_ENCODE, nodes: [], edges: [] } }, 400, 'ANELO_E112_NOT_SCENE_DETECT'],
    ];
    for (const [body, status, code] of cases) {
      const r = await ask(body);
      expect([r.statusCode, r.json().error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const foreign = await ask({}, { origin: 'https://evil.example' });
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([403, 'ANELO_E105_CROSS_ORIGIN']);
  });
});
