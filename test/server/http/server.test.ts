import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readRegistry } from '../../../server/depth/model-registry.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import type { ServerMessage } from '../../../server/http/lib/event-hub.ts';
import { resolveServerOptions } from '../../../server/http/server-options.ts';
import { serveCommand } from '../../../server/cli/serve-command.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
afterEach(async () => {
  await t?.close();
  t = undefined as unknown as TestApp;
});

const weights = new Uint8Array(50_000).map((_, i) => (i * 13) & 255);
let modelServer: http.Server;
let modelUrl: string;
beforeAll(async () => {
  modelServer = http.createServer((_, res) => res.end(weights));
  await new Promise<void>((r) => modelServer.listen(0, '127.0.0.1', r));
  modelUrl = `http://127.0.0.1:${(modelServer.address() as AddressInfo).port}/tiny.onnx`;
});
afterAll(() => new Promise<void>((r) => modelServer.close(() => r())));

function tinyStore(dir: string): ModelStore {
  const base = readRegistry().find((m) => m.id === 'depth-anything-v2-small')!;
  const sha256 = createHash('sha256').update(weights).digest('hex');
  const tiny = { ...base, id: 'tiny', name: 'Tiny', file: 'tiny.onnx', bytes: weights.length, sha256, url: modelUrl, variants: undefined };
  const offline = { ...tiny, id: 'offline', file: 'offline.onnx', url: undefined, localOnly: true };
  return new ModelStore({ dirs: [dir], installDir: dir, registry: [tiny, offline], hashCacheFile: null });
}

describe('the server', () => {
  it('binds 127.0.0.1:7878 unless told otherwise', () => {
    const o = resolveServerOptions({}, {});
    expect([o.host, o.port, o.uploadLimitBytes]).toEqual(['127.0.0.1', 7878, 4096 * 2 ** 20]);
    const env = resolveServerOptions({}, { ANELO_HOST: '::1', ANELO_PORT: '9000', ANELO_UPLOAD_LIMIT_MB: '10' });
    expect([env.host, env.port, env.uploadLimitBytes]).toEqual(['::1', 9000, 10 * 2 ** 20]);
  });

  it('serves the node catalogue', async () => {
    t = await buildTestApp();
    const { nodeTypes } = (await t.app.inject({ url: '/api/node-types' })).json();
    expect(nodeTypes.decode).toMatchObject({ type: 'decode', outputs: [{ name: 'frames', types: ['frames'] }] });
    expect(nodeTypes.encode.params.properties.crf).toMatchObject({ default: 18, minimum: 0, maximum: 51 });
  });

  it('lists models and pulls one, reporting progress and the end over the event stream', async () => {
    const modelDir = path.join(process.env.TMPDIR ?? '/tmp', `anelo-models-${process.pid}-${Date.now()}`);
    mkdirSync(modelDir, { recursive: true });
    t = await buildTestApp({ modelStore: tinyStore(modelDir) });
    const before = (await t.app.inject({ url: '/api/models' })).json().models;
    expect(before.map((m: { id: string; installed: boolean; localOnly: boolean }) => [m.id, m.installed, m.localOnly])).toEqual([
      ['tiny', false, false],
      ['offline', false, true],
    ]);

    const seen: ServerMessage[] = [];
    const ended = new Promise<void>((resolve) =>
      t.app.eventHub.subscribe((m) => {
        seen.push(m);
        if (m.kind === 'model-done' || m.kind === 'model-error') resolve();
      }),
    );
    const res = await t.app.inject({ method: 'POST', url: '/api/models/tiny/pull' });
    expect([res.statusCode, res.json()]).toEqual([202, { started: true }]);
    await ended;
    expect(seen.at(-1)).toEqual({ kind: 'model-done', id: 'tiny' });
    expect(seen.some((m) => m.kind === 'model-progress' && m.bytes === weights.length)).toBe(true);
    expect(readFileSync(path.join(modelDir, 'tiny.onnx')).length).toBe(weights.length);
    const after = (await t.app.inject({ url: '/api/models' })).json().models;
    expect(after[0]).toMatchObject({ id: 'tiny', installed: true });

    const failed = new Promise<ServerMessage>((resolve) => t.app.eventHub.subscribe((m) => m.kind === 'model-error' && resolve(m)));
    expect((await t.app.inject({ method: 'POST', url: '/api/models/offline/pull' })).statusCode).toBe(202);
    const failure = await failed;
    expect(failure).toMatchObject({ kind: 'model-error', id: 'offline', error: { code: 'ANELO_E044_MODEL_DOWNLOAD' } });
    // As every error a page sees: no server path (the install folder) in it.
    expect(JSON.stringify(failure)).not.toContain(modelDir);

    const unknown = await t.app.inject({ method: 'POST', url: '/api/models/nope/pull' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'ANELO_E041_MODEL_UNKNOWN']);
    const badQuery = await t.app.inject({ method: 'POST', url: '/api/models/tiny/pull?acceptLicense=maybe' });
    expect([badQuery.statusCode, badQuery.json().error.param]).toEqual([400, 'acceptLicense']);
  });

  it('hides the details of internal errors (500 E099)', async () => {
    t = await buildTestApp();
    await t.app.close();
    const { buildServer } = await import('../../../server/http/build-server.ts');
    const app = await buildServer({ dataDir: path.join(t.dir, 'data'), builtInGraphsDir: t.dir, clientDir: t.dir, cacheDir: null, logs: false });
    app.get('/api/boom', async () => {
      throw new Error('secret /home/user/path exploded');
    });
    t.app = app;
    const res = await app.inject({ url: '/api/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json()).toEqual({ error: { code: 'ANELO_E099_INTERNAL', title: 'Internal error', message: 'internal error' } });
    expect((await app.inject({ url: '/api/nothing-here' })).json().error.code).toBe('ANELO_E035_NO_SUCH_ROUTE');
  });

  it('serves the built editor at / and its index.html for client-side routes, but never for /api', async () => {
    t = await buildTestApp();
    const clientDir = path.join(t.dir, 'client');
    mkdirSync(clientDir, { recursive: true });
    writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>anelo</title>');
    await t.app.close();
    t = { ...t, app: await (await import('../../../server/http/build-server.ts')).buildServer({ dataDir: t.dataDir, builtInGraphsDir: t.dir, clientDir, cacheDir: null, logs: false }) };
    for (const url of ['/', '/editor/some/route']) {
      const res = await t.app.inject({ url });
      expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
      expect(res.body).toContain('<title>anelo</title>');
    }
    const api = await t.app.inject({ url: '/api/unknown' });
    expect([api.statusCode, api.headers['content-type']]).toEqual([404, 'application/json; charset=utf-8']);
  });

  it('anelo serve refuses a bad --port before starting anything', async () => {
    await expect(serveCommand(['--port', 'abc'])).rejects.toMatchObject({ code: 'ANELO_E050_BAD_ARGUMENT' });
    t = await buildTestApp();
  });
});
