/** The run queue's history: several runs queued at once, kept with their graphs across a server restart, deletable. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../../server/http/build-server.ts';
import { PROJECT_ROOT, sharedPath } from '../../helpers/shared-data.ts';
import { buildTestApp, DECODE_ENCODE, waitForRun, type TestApp } from './test-app.ts';

let t: TestApp;
let second: FastifyInstance | undefined;
afterEach(async () => {
  await second?.close();
  second = undefined;
  await t.close();
});

/** A second server over the first one's data folder, as after a restart. */
async function restart(): Promise<FastifyInstance> {
  await t.app.close();
  const app = await buildServer({ dataDir: t.dataDir, builtInGraphsDir: path.join(t.dir, 'graphs'), sampleMediaDir: sharedPath('media'), clientDir: path.join(t.dir, 'client'), cacheDir: null, logs: false });
  await app.ready();
  second = app;
  return app;
}

const run = (app: FastifyInstance, graph: unknown, frames = { start: 0, end: 20 }) =>
  app.inject({ method: 'POST', url: '/api/runs', payload: { graph, input: 'carphone-176x144.mp4', frames } }).then((r) => r.json().runId as string);

describe('run history', () => {
  it('runs two queued renders in turn and lists both, with graph names and outputs, after a restart', async () => {
    t = await buildTestApp();
    const named = { ...structuredClone(DECODE_ENCODE), name: 'my render' };
    const a = await run(t.app, named);
    const b = await run(t.app, named, { start: 20, end: 40 });
    // The second waits for the first.
    expect((await t.app.inject({ url: `/api/runs/${b}` })).json().state).toMatch(/queued|running/);
    const ra = await waitForRun(t.app, a);
    const rb = await waitForRun(t.app, b);
    expect([ra.state, rb.state]).toEqual(['done', 'done']);
    expect(Date.parse(rb.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(ra.endedAt as string));

    const file = path.join(t.dataDir, 'runs', 'history.json');
    expect(existsSync(file)).toBe(true);
    expect(file.startsWith(PROJECT_ROOT + path.sep)).toBe(false);

    const app = await restart();
    const { runs } = (await app.inject({ url: '/api/runs' })).json();
    expect(runs.map((r: { id: string }) => r.id)).toEqual([b, a]);
    expect(runs[0]).toMatchObject({ state: 'done', graphName: 'my render', input: 'carphone-176x144.mp4', outputs: rb.outputs, report: { frames: { start: 20, end: 40 } } });
    expect(Date.parse(runs[0].endedAt) - Date.parse(runs[0].startedAt)).toBeGreaterThanOrEqual(0);

    // The graph as it was sent: re-runnable, with no server path bound into it.
    const graph = (await app.inject({ url: `/api/runs/${a}/graph` })).json();
    expect(graph).toEqual(named);
    const again = await run(app, graph);
    expect((await waitForRun(app, again)).state).toBe('done');
  });

  it('deletes a finished run with its output files, and refuses to delete one still running', async () => {
    t = await buildTestApp();
    const a = await run(t.app, DECODE_ENCODE);
    const done = await waitForRun(t.app, a);
    const output = path.join(t.dataDir, 'outputs', (done.outputs as string[])[0]);
    expect(existsSync(output)).toBe(true);

    const long = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph: DECODE_ENCODE, input: 'bbb-60s-640x360.mp4' } }).then((r) => r.json().runId as string);
    const refused = await t.app.inject({ method: 'DELETE', url: `/api/runs/${long}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('ANELO_E171_RUN_NOT_FINISHED');
    await t.app.inject({ method: 'POST', url: `/api/runs/${long}/cancel` });

    expect((await t.app.inject({ method: 'DELETE', url: `/api/runs/${a}` })).statusCode).toBe(204);
    expect(existsSync(output)).toBe(false);
    expect((await t.app.inject({ url: `/api/runs/${a}` })).statusCode).toBe(404);
    const app = await restart();
    const ids = (await app.inject({ url: '/api/runs' })).json().runs.map((r: { id: string }) => r.id);
    expect(ids).toEqual([long]);
  });

  it('reads a run that was running when the server stopped as failed with E170, and ignores a damaged history', async () => {
    t = await buildTestApp();
    await t.app.close();
    const dir = path.join(t.dataDir, 'runs');
    mkdirSync(dir, { recursive: true });
    const status = { id: 'r1', state: 'running', createdAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:01.000Z', input: 'carphone-176x144.mp4', outputs: [] };
    writeFileSync(path.join(dir, 'history.json'), JSON.stringify({ format: 1, runs: [{ status, graph: DECODE_ENCODE }] }));
    let app = await restart();
    const [r] = (await app.inject({ url: '/api/runs' })).json().runs;
    expect(r).toMatchObject({ id: 'r1', state: 'error', error: { code: 'ANELO_E170_RUN_INTERRUPTED' } });

    await app.close();
    second = undefined;
    writeFileSync(path.join(dir, 'history.json'), '{"format": 1, "runs": [');
    app = await restart();
    expect((await app.inject({ url: '/api/runs' })).json().runs).toEqual([]);
    expect(readFileSync(path.join(dir, 'history.json'), 'utf8')).toContain('"runs": [');
  });
});
