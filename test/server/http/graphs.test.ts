import { decodeNode } from '../../../nodes/decode.ts';
import { encodeNode } from '../../../nodes/encode.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, DECODE_ENCODE, type TestApp } from './test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const presets = (): string => path.join(t.dataDir, 'presets');
const put = (name: string, payload: unknown) => t.app.inject({ method: 'PUT', url: `/api/graphs/${encodeURIComponent(name)}`, payload: payload as object });

describe('presets', () => {
  it('lists built-ins first and read-only, then saved presets', async () => {
    expect((await put('mine', DECODE_ENCODE)).statusCode).toBe(200);
    const { graphs } = (await t.app.inject({ url: '/api/graphs' })).json();
    expect(graphs.map((g: { name: string; builtIn: boolean }) => [g.name, g.builtIn])).toEqual([
      ['builtin-basic', true],
      ['mine', false],
    ]);
  });

  it('saves, loads (migrated), renames and deletes a preset', async () => {
    const saved = await put('My preset 1', DECODE_ENCODE);
    expect(saved.json()).toMatchObject({ name: 'My preset 1', savedAt: expect.any(String) });
    const loaded = (await t.app.inject({ url: '/api/graphs/My%20preset%201' })).json();
    expect(loaded.nodes.map((n: { id: string; version: number }) => [n.id, n.version])).toEqual([['dec', decodeNode.version], ['enc', encodeNode.version]]);

    const renamed = await t.app.inject({ method: 'POST', url: '/api/graphs/My%20preset%201/rename', payload: { to: 'renamed' } });
    expect(renamed.json()).toEqual({ name: 'renamed' });
    expect((await t.app.inject({ url: '/api/graphs/My%20preset%201' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/graphs/renamed' })).statusCode).toBe(204);
    const gone = await t.app.inject({ url: '/api/graphs/renamed' });
    expect([gone.statusCode, gone.json().error.code]).toEqual([404, 'ANELO_E061_PRESET_NOT_FOUND']);
  });

  it('refuses to overwrite, rename or delete a built-in (409 E063) and to rename onto an existing name (409 E062)', async () => {
    for (const res of [
      await put('builtin-basic', DECODE_ENCODE),
      await t.app.inject({ method: 'DELETE', url: '/api/graphs/builtin-basic' }),
      await t.app.inject({ method: 'POST', url: '/api/graphs/builtin-basic/rename', payload: { to: 'x' } }),
    ]) {
      expect([res.statusCode, res.json().error.code]).toEqual([409, 'ANELO_E063_PRESET_READ_ONLY']);
    }
    await put('a', DECODE_ENCODE);
    await put('b', DECODE_ENCODE);
    const clash = await t.app.inject({ method: 'POST', url: '/api/graphs/a/rename', payload: { to: 'b' } });
    expect([clash.statusCode, clash.json().error.code]).toEqual([409, 'ANELO_E062_PRESET_EXISTS']);
    expect(existsSync(path.join(presets(), 'a.json'))).toBe(true);
  });

  it.each([
    ['../x', '..%2Fx'],
    ['..%2Fx (double-encoded)', '..%252Fx'],
    ['%2e%2e + separator', '%2e%2e%2Fsecrets'],
    ['absolute path', '%2Fetc%2Fpasswd'],
    ['backslashes', '..%5C..%5Cwin'],
    ['a leading dot', '.hidden'],
  ])('refuses a preset name with %s (400 E060) on every route', async (_, raw) => {
    for (const res of [
      await t.app.inject({ url: `/api/graphs/${raw}` }),
      await t.app.inject({ method: 'PUT', url: `/api/graphs/${raw}`, payload: DECODE_ENCODE }),
      await t.app.inject({ method: 'DELETE', url: `/api/graphs/${raw}` }),
      await t.app.inject({ method: 'POST', url: `/api/graphs/${raw}/rename`, payload: { to: 'ok' } }),
    ]) {
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'ANELO_E060_PRESET_NAME']);
    }
    expect(existsSync(presets()) ? readdirSync(presets()) : []).toEqual([]);
  });

  it.each(['../x', '..', '/etc/passwd', 'a\\b', 'a/b', 'C:\\x'])('refuses to rename onto "%s" (400 E060)', async (to) => {
    await put('src', DECODE_ENCODE);
    const res = await t.app.inject({ method: 'POST', url: '/api/graphs/src/rename', payload: { to } });
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'ANELO_E060_PRESET_NAME']);
    expect(readdirSync(presets())).toEqual(['src.json']);
  });

  it('refuses an invalid graph with 400 E001 listing every problem, leaving the saved one intact', async () => {
    await put('keep', DECODE_ENCODE);
    const before = readFileSync(path.join(presets(), 'keep.json'), 'utf8');
    const bad = structuredClone(DECODE_ENCODE);
    bad.nodes[1].params = { crf: 99, bogus: 1 } as never;
    bad.edges = [];
    const res = await put('keep', bad);
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('ANELO_E001_GRAPH_INVALID');
    expect(err.details.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'bad-param', nodeId: 'enc', param: 'crf' }),
        expect.objectContaining({ kind: 'unknown-param', nodeId: 'enc', param: 'bogus' }),
        expect.objectContaining({ kind: 'missing-input', nodeId: 'enc', port: 'video' }),
      ]),
    );
    expect(readFileSync(path.join(presets(), 'keep.json'), 'utf8')).toBe(before);
    expect(readdirSync(presets())).toEqual(['keep.json']);
  });

  it('refuses to save over a folder (409 E101), leaving the folder and no temp file behind', async () => {
    mkdirSync(path.join(presets(), 'blocked.json', 'inside'), { recursive: true });
    const res = await put('blocked', DECODE_ENCODE);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ANELO_E101_OUTPUT_NOT_REGULAR', file: 'blocked.json' });
    expect(res.json().error.message).not.toContain(presets());
    expect(readdirSync(presets())).toEqual(['blocked.json']);
    expect(readdirSync(path.join(presets(), 'blocked.json'))).toEqual(['inside']);
  });

  it('validates an unsaved graph: migrated graph plus problems, 200 either way', async () => {
    const ok = (await t.app.inject({ method: 'POST', url: '/api/graphs/validate', payload: DECODE_ENCODE })).json();
    expect(ok.problems).toEqual([]);
    expect(ok.graph.nodes[0].version).toBe(decodeNode.version);
    const bad = (await t.app.inject({ method: 'POST', url: '/api/graphs/validate', payload: { ...DECODE_ENCODE, edges: [] } })).json();
    expect(bad.problems).toEqual([expect.objectContaining({ kind: 'missing-input', nodeId: 'enc' })]);
  });

  it('answers schema failures with 400 E052 naming the field', async () => {
    const cases = [
      [await t.app.inject({ method: 'PUT', url: '/api/graphs/x', payload: [1, 2] }), 'body'],
      [await t.app.inject({ method: 'POST', url: '/api/graphs/x/rename', payload: {} }), 'to'],
      [await t.app.inject({ method: 'POST', url: '/api/graphs/x/rename', payload: { to: '' } }), 'to'],
      [await t.app.inject({ method: 'POST', url: '/api/graphs/validate', payload: '"text"', headers: { 'content-type': 'application/json' } }), 'body'],
    ] as const;
    for (const [res, field] of cases) {
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'ANELO_E052_BAD_REQUEST', param: field });
    }
    const broken = await t.app.inject({ method: 'PUT', url: '/api/graphs/x', payload: '{"nodes": [', headers: { 'content-type': 'application/json' } });
    expect([broken.statusCode, broken.json().error.code]).toEqual([400, 'ANELO_E052_BAD_REQUEST']);
    const newer = await t.app.inject({ method: 'POST', url: '/api/graphs/validate', payload: { ...DECODE_ENCODE, schemaVersion: 99 } });
    expect([newer.statusCode, newer.json().error.code]).toEqual([400, 'ANELO_E003_GRAPH_SCHEMA_VERSION']);
  });
});
