import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, DECODE_ENCODE, waitForRun, type TestApp } from './test-app.ts';

let t: TestApp;
afterEach(() => t.close());

const outputsDir = (): string => path.join(t.dataDir, 'outputs');
const listDir = (d: string): string[] => {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
};

describe('runs', () => {
  it('runs decode→encode on a clip, names the output after input, node and time, and serves it with Range', async () => {
    t = await buildTestApp();
    // A path in the request's graph is ignored: decode reads the named media, encode writes to the outputs folder.
    const graph = structuredClone(DECODE_ENCODE);
    graph.nodes[0].params = { path: '/etc/passwd' } as never;
    graph.nodes[1].params = { ...graph.nodes[1].params, path: '/tmp/evil.mp4' } as never;
    const start = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph, input: 'carphone-176x144.mp4' } });
    expect(start.statusCode).toBe(202);
    const run = await waitForRun(t.app, start.json().runId);
    expect(run).toMatchObject({ state: 'done', input: 'carphone-176x144.mp4', outputs: [expect.stringMatching(/^carphone-176x144-enc-\d{8}-\d{6}\.mp4$/)] });
    expect((run.report as { frames: unknown }).frames).toEqual({ start: 0, end: 120 });
    const name = (run.outputs as string[])[0];
    expect(listDir(outputsDir())).toEqual([name]);

    const { outputs } = (await t.app.inject({ url: '/api/outputs' })).json();
    expect(outputs).toEqual([{ name, sizeBytes: expect.any(Number), createdAt: expect.any(String) }]);
    const size = outputs[0].sizeBytes as number;
    const part = await t.app.inject({ url: `/api/outputs/${name}`, headers: { range: 'bytes=100-1099' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers).toMatchObject({ 'content-range': `bytes 100-1099/${size}`, 'accept-ranges': 'bytes', 'content-type': 'video/mp4' });
    expect(part.rawPayload.length).toBe(1000);
    const whole = await t.app.inject({ url: `/api/outputs/${name}` });
    expect([whole.statusCode, whole.rawPayload.length]).toEqual([200, size]);
    // ftyp box: a real mp4.
    expect(whole.rawPayload.subarray(4, 8).toString()).toBe('ftyp');

    expect((await t.app.inject({ method: 'DELETE', url: `/api/outputs/${name}` })).statusCode).toBe(204);
    expect(listDir(outputsDir())).toEqual([]);
    expect((await t.app.inject({ url: `/api/outputs/${name}` })).statusCode).toBe(404);
  });

  it('cancels a running run: state cancelled, no file left in outputs', async () => {
    t = await buildTestApp();
    const firstProgress = new Promise<string>((resolve) => {
      t.app.eventHub.subscribe((m) => {
        if (m.kind === 'run' && m.event.type === 'node-progress') resolve(m.runId);
      });
    });
    const start = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph: DECODE_ENCODE, input: 'bbb-60s-640x360.mp4' } });
    const runId = start.json().runId;
    expect(await firstProgress).toBe(runId);
    const cancel = await t.app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel` });
    expect(cancel.json()).toEqual({ state: 'cancelled' });
    const run = (await t.app.inject({ url: `/api/runs/${runId}` })).json();
    expect(run).toMatchObject({ state: 'cancelled', outputs: [], error: { code: 'ANELO_E030_CANCELLED' } });
    expect(listDir(outputsDir())).toEqual([]);
  });

  it('runs one at a time, first in first out; a queued run cancels at once', async () => {
    t = await buildTestApp();
    const submit = async (): Promise<string> =>
      (await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', frames: { start: 0, end: 32 } } })).json().runId;
    const a = await submit();
    const b = await submit();
    const c = await submit();
    expect((await t.app.inject({ url: `/api/runs/${b}` })).json().state).toBe('queued');
    expect((await t.app.inject({ method: 'POST', url: `/api/runs/${b}/cancel` })).json()).toEqual({ state: 'cancelled' });
    const [ra, rc] = [await waitForRun(t.app, a), await waitForRun(t.app, c)];
    expect([ra.state, rc.state]).toEqual(['done', 'done']);
    expect(Date.parse(rc.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(ra.endedAt as string));
    const { runs } = (await t.app.inject({ url: '/api/runs' })).json();
    expect(runs.map((r: { id: string }) => r.id)).toEqual([c, b, a]);
    expect(listDir(outputsDir())).toHaveLength(2);
  });

  it('computes a non-encode target into the cache without writing a file, so a preview of it is then cached', async () => {
    t = await buildTestApp();
    const start = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', target: 'dec', frames: { start: 0, end: 16 } } });
    const run = await waitForRun(t.app, start.json().runId);
    expect(run).toMatchObject({ state: 'done', target: 'dec', outputs: [] });
    expect(listDir(outputsDir())).toEqual([]);
    const preview = await t.app.inject({ method: 'POST', url: '/api/preview', payload: { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', nodeId: 'dec', frame: 5 } });
    expect(preview.headers['x-anelo-cached']).toBe('1');
  });

  it('refuses bad run requests before queueing them', async () => {
    t = await buildTestApp();
    const post = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/runs', payload: payload as object });
    const expectError = async (payload: unknown, status: number, code: string, param?: string): Promise<void> => {
      const res = await post(payload);
      expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
      if (param) expect(res.json().error.param).toBe(param);
    };
    await expectError({ input: 'carphone-176x144.mp4' }, 400, 'ANELO_E052_BAD_REQUEST', 'graph');
    await expectError({ graph: DECODE_ENCODE }, 400, 'ANELO_E052_BAD_REQUEST', 'input');
    await expectError({ graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', frames: { start: -1, end: 4 } }, 400, 'ANELO_E052_BAD_REQUEST', 'frames.start');
    await expectError({ graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', target: 'no/slash' }, 400, 'ANELO_E052_BAD_REQUEST', 'target');
    await expectError({ graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', frames: { start: 8, end: 8 } }, 400, 'ANELO_E013_EMPTY_RANGE');
    await expectError({ graph: DECODE_ENCODE, input: 'nope.mp4' }, 404, 'ANELO_E070_MEDIA_NOT_FOUND');
    await expectError({ graph: DECODE_ENCODE, input: '../../etc/passwd' }, 400, 'ANELO_E072_MEDIA_NAME');
    await expectError({ graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', target: 'ghost' }, 404, 'ANELO_E034_UNKNOWN_NODE');
    const decodeOnly = { ...DECODE_ENCODE, nodes: DECODE_ENCODE.nodes.slice(0, 1), edges: [] };
    await expectError({ graph: decodeOnly, input: 'carphone-176x144.mp4' }, 400, 'ANELO_E032_NO_OUTPUT_PATH');
    const bad = await post({ graph: { ...DECODE_ENCODE, edges: [] }, input: 'carphone-176x144.mp4' });
    expect(bad.json().error.details.problems).toEqual([expect.objectContaining({ kind: 'missing-input', nodeId: 'enc' })]);
    const unknown = await t.app.inject({ url: '/api/runs/nope' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'ANELO_E080_RUN_NOT_FOUND']);
    const cancelUnknown = await t.app.inject({ method: 'POST', url: '/api/runs/nope/cancel' });
    expect(cancelUnknown.statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/runs' })).json().runs).toEqual([]);
  });
});
