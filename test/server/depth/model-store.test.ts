import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSearchDirs } from '../../../server/depth/model-dirs.ts';
import type { ModelManifest } from '../../../server/depth/model-manifest.ts';
import { readRegistry } from '../../../server/depth/model-registry.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import { redactPaths } from '../../../server/http/lib/public-error.ts';
import type { AneloError } from '../../../nodes/core/errors.ts';

const tmp = (p: string): string => mkdtempSync(path.join(os.tmpdir(), `anelo-${p}-`));
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const payload = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) & 255);
const ranges: (string | undefined)[] = [];
let cutNextAfter = 0;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    ranges.push(req.headers.range);
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = m ? Number(m[1]) : 0;
    const body = payload.subarray(from);
    res.writeHead(m ? 206 : 200, { 'content-length': body.length, ...(m ? { 'content-range': `bytes ${from}-${payload.length - 1}/${payload.length}` } : {}) });
    if (cutNextAfter > 0) {
      // Simulate a dropped connection part-way through.
      const n = cutNextAfter;
      cutNextAfter = 0;
      res.write(body.subarray(0, n), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function entry(over: Partial<ModelManifest> = {}): ModelManifest {
  const da = readRegistry().find((m) => m.id === 'depth-anything-v2-small')!;
  return { ...da, id: 'served', file: 'served.onnx', bytes: payload.length, sha256: sha(payload), url: `${base}/served.onnx`, variants: undefined, ...over };
}

describe('the registry', () => {
  it('lists the shipped models with sha256, size, URL and licence', () => {
    const reg = readRegistry();
    const byId = Object.fromEntries(reg.map((m) => [m.id, m]));
    expect(Object.keys(byId)).toEqual(expect.arrayContaining(['midas-v21-small', 'depth-anything-v2-small', 'depth-anything-v2-small-int8', 'fastdepth-nyu-224']));
    expect(byId['midas-v21-small']).toMatchObject({
      bytes: 66764249, license: 'MIT', sha256: '2d8c6cb8f415229daf1eb041024208e2608c9f98e17c81cc7c6ecb449c56fd58',
      url: 'https://github.com/isl-org/MiDaS/releases/download/v2_1/model-small.onnx', input: { name: '0' }, output: { name: '797' },
    });
    expect(byId['depth-anything-v2-small']).toMatchObject({
      bytes: 99060839, license: 'Apache-2.0', sha256: 'afb6a5c28f3b6bf1618c6e43f02073ef9dfdc70e937502d51603e57b0a1df10c',
      input: { name: 'pixel_values', size: { mode: 'keep-aspect', multipleOf: 14, target: 518 } }, output: { name: 'predicted_depth', kind: 'disparity' },
    });
    expect(byId['depth-anything-v2-small-int8']).toMatchObject({ bytes: null, sha256: '01aa7a23de3f4a0ee1a2bb9997e6918104c85a9f95dea46d27b9b3fb0c6b9001' });
    expect(byId['fastdepth-nyu-224']).toMatchObject({ localOnly: true, output: { kind: 'depth', metric: true } });
    expect(byId['fastdepth-nyu-224'].url).toBeUndefined();
    for (const m of reg) expect(m.commercialUse && m.permissive).toBe(true);
  });

  it('shows every entry in list() with installed false in an empty folder', () => {
    const list = new ModelStore({ dirs: [tmp('empty')], hashCacheFile: null }).list();
    const da = list.find((m) => m.id === 'depth-anything-v2-small')!;
    expect(da).toMatchObject({ installed: false, path: null, license: 'Apache-2.0', bytes: 99060839 });
    expect(da.variants.map((v) => v.precision)).toEqual(['fp32', 'int8']);
  });
});

describe('search folders', () => {
  it('reads ANELO_MODELS_DIR as a path list before the project folder', () => {
    const env = { ANELO_MODELS_DIR: ['/a', '/b', ''].join(path.delimiter) };
    expect(modelSearchDirs(env, '/proj/models')).toEqual(['/a', '/b', '/proj/models']);
  });

  it('finds a file in the first folder that holds it and verifies its hash', async () => {
    const [d1, d2] = [tmp('d1'), tmp('d2')];
    writeFileSync(path.join(d2, 'served.onnx'), payload);
    const store = new ModelStore({ dirs: [d1, d2], registry: [entry()], hashCacheFile: null });
    expect(store.list()[0]).toMatchObject({ installed: true, path: path.join(d2, 'served.onnx') });
    expect(await store.resolve('served')).toMatchObject({ path: path.join(d2, 'served.onnx'), sha256: sha(payload) });
  });

  it('refuses a same-size file with the wrong content (ANELO_E043)', async () => {
    const d = tmp('bad');
    writeFileSync(path.join(d, 'served.onnx'), new Uint8Array(payload.length));
    const store = new ModelStore({ dirs: [d], registry: [entry()], hashCacheFile: null });
    await expect(store.resolve('served')).rejects.toMatchObject({ code: 'ANELO_E043_MODEL_CHECKSUM' });
    expect((await store.verify())[0]).toMatchObject({ ok: false, expected: sha(payload) });
  });

  it('a missing model names each folder it searched for what it is, so the short form the editor shows still tells them apart', async () => {
    const fromEnv = path.join(tmp('env'), 'models');
    const own = path.join(tmp('own'), 'models');
    const before = process.env.ANELO_MODELS_DIR;
    process.env.ANELO_MODELS_DIR = fromEnv;
    let store: ModelStore;
    try {
      store = new ModelStore({ installDir: own, registry: [entry()], hashCacheFile: null });
    } finally {
      if (before === undefined) delete process.env.ANELO_MODELS_DIR;
      else process.env.ANELO_MODELS_DIR = before;
    }
    const err = (await store.resolve('served').catch((e: unknown) => e)) as AneloError;
    expect(err).toMatchObject({ code: 'ANELO_E040_MODEL_MISSING' });
    expect(err.message).toContain(`in: ${fromEnv} (from ANELO_MODELS_DIR), ${own} (anelo's models folder).`);
    const shown = redactPaths(err.message);
    expect(shown).toContain("in: models (from ANELO_MODELS_DIR), models (anelo's models folder).");
    expect(shown).toContain(`save it as served.onnx (in anelo's models folder, or in any folder listed in ANELO_MODELS_DIR`);
  });

  it('says which ids exist for an unknown one (ANELO_E041)', async () => {
    await expect(new ModelStore({ dirs: [tmp('x')], hashCacheFile: null }).resolve('nope')).rejects.toMatchObject({ code: 'ANELO_E041_MODEL_UNKNOWN' });
  });
});

describe('hash cache', () => {
  it('hashes a file once per (path, size, mtime) and persists the result', async () => {
    const d = tmp('hc');
    const file = path.join(d, 'served.onnx');
    writeFileSync(file, payload);
    const cacheFile = path.join(d, 'hashes.json');
    const store = new ModelStore({ dirs: [d], registry: [entry()], hashCacheFile: cacheFile });
    await store.resolve('served');
    const saved = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, { sha256: string; size: number }>;
    expect(saved[file]).toMatchObject({ sha256: sha(payload), size: payload.length });
    // A stale entry for a changed file must not vouch for it: rewrite the file with other bytes.
    writeFileSync(file, new Uint8Array(payload.length));
    utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a distinct mtime even on coarse-clock file systems
    const later = new ModelStore({ dirs: [d], registry: [entry()], hashCacheFile: cacheFile });
    await expect(later.resolve('served')).rejects.toMatchObject({ code: 'ANELO_E043_MODEL_CHECKSUM' });
  });
});

describe('pull', () => {
  it('downloads, verifies and renames into place', async () => {
    const d = tmp('pull');
    const seen: number[] = [];
    const p = await new ModelStore({ dirs: [d], installDir: d, registry: [entry()], hashCacheFile: null }).pull('served', { onProgress: (x) => seen.push(x.receivedBytes) });
    expect(p).toBe(path.join(d, 'served.onnx'));
    expect(sha(readFileSync(p))).toBe(sha(payload));
    expect(readdirSync(d)).toEqual(['served.onnx']);
    expect(seen.at(-1)).toBe(payload.length);
  });

  it('resumes a cut download from the .part file with a Range request', async () => {
    const d = tmp('resume');
    const store = new ModelStore({ dirs: [d], installDir: d, registry: [entry()], hashCacheFile: null });
    cutNextAfter = 100_000;
    const err = await store.pull('served').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E044_MODEL_DOWNLOAD' });
    // What was read before the cut is kept, however far behind the file writes were: a prefix of the file, resumed
    // from. Not always all 100,000 bytes sent: fetch's body stream drops the chunks it had queued but not yet handed
    // over when the connection fails (65,409 kept in some runs on a loaded machine), so that is not asserted.
    const partial = statSync(path.join(d, 'served.onnx.part')).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThanOrEqual(100_000);
    expect(sha(readFileSync(path.join(d, 'served.onnx.part')))).toBe(sha(payload.subarray(0, partial)));
    ranges.length = 0;
    await store.pull('served');
    expect(ranges).toEqual([`bytes=${partial}-`]);
    expect(sha(readFileSync(path.join(d, 'served.onnx')))).toBe(sha(payload));
    expect(existsSync(path.join(d, 'served.onnx.part'))).toBe(false);
  });

  it('a .part that cannot be written fails with a coded error naming it, not as a lost connection', async () => {
    const d = tmp('unwritable');
    mkdirSync(path.join(d, 'served.onnx.part'));
    const err = await new ModelStore({ dirs: [d], installDir: d, registry: [entry()], hashCacheFile: null }).pull('served').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E021_OUTPUT_NOT_WRITABLE', where: { file: path.join(d, 'served.onnx.part') } });
    expect((err as Error).message).not.toMatch(/connection lost/);
  });

  it('leaves nothing behind on a checksum mismatch and names both hashes', async () => {
    const d = tmp('mismatch');
    const wrong = 'f'.repeat(64);
    const err = await new ModelStore({ dirs: [d], installDir: d, registry: [entry({ sha256: wrong })], hashCacheFile: null }).pull('served').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E043_MODEL_CHECKSUM' });
    expect((err as Error).message).toContain(wrong);
    expect((err as Error).message).toContain(sha(payload));
    expect(readdirSync(d)).toEqual([]);
  });

  it('offline: names the URL, the file, the folders searched and how to place it by hand', async () => {
    const [d, other] = [tmp('offline'), tmp('other')];
    const url = 'http://127.0.0.1:1/served.onnx';
    const err = await new ModelStore({ dirs: [other, d], installDir: d, registry: [entry({ url })], hashCacheFile: null }).pull('served').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E044_MODEL_DOWNLOAD' });
    const msg = (err as Error).message;
    for (const s of [url, 'served.onnx', other, d, path.join(d, 'served.onnx'), 'ANELO_MODELS_DIR']) expect(msg).toContain(s);
  });

  it('explains that a local-only model has no download', async () => {
    const err = await new ModelStore({ dirs: [tmp('lo')], hashCacheFile: null }).pull('fastdepth-nyu-224').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E044_MODEL_DOWNLOAD' });
    expect((err as Error).message).toContain('fastdepth-nyu-224-f32.onnx');
  });

  it('will not download a non-commercial model unless its licence was accepted', async () => {
    const d = tmp('lic');
    const store = new ModelStore({ dirs: [d], installDir: d, registry: [entry({ commercialUse: false, license: 'CC-BY-NC-4.0' })], hashCacheFile: null });
    const err = await store.pull('served').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E047_MODEL_LICENSE' });
    expect((err as Error).message).toContain('CC-BY-NC-4.0');
    expect(await store.pull('served', { acceptLicense: true })).toBe(path.join(d, 'served.onnx'));
  });
});
