import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VICTIM, writeCutShortClip, writeHugeFrameClip, writeReferenceFiles } from '../../helpers/bad-media.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';
import { buildTestApp, DECODE_ENCODE, multipart, waitForRun, type TestApp } from './test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let fixtures: string;
let refs: ReturnType<typeof writeReferenceFiles>;
beforeAll(() => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), 'anelo-badin-'));
  refs = writeReferenceFiles(fixtures);
});
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

const list = (d: string): string[] => (existsSync(d) ? readdirSync(d) : []);

describe.skipIf(!hasShared('media'))('reference files (manifests, playlists, lists) never reach ffmpeg', () => {
  for (const kind of ['hls', 'hlsHttp', 'dash', 'concat', 'sdp'] as const) {
    it(`upload of ${kind} named like a video: 415 E102, nothing kept`, async () => {
      t = await buildTestApp();
      const res = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', path.basename(refs[kind]), readFileSync(refs[kind])) });
      expect([res.statusCode, res.json().error.code]).toEqual([415, 'ANELO_E102_MEDIA_FORMAT_REFUSED']);
      expect(res.json().error.message).toContain(path.basename(refs[kind]));
      expect(res.json().error.message).not.toContain(t.dataDir);
      expect(list(path.join(t.dataDir, 'uploads'))).toEqual([]);
    });
  }

  for (const kind of ['hls', 'dash', 'concat'] as const) {
    it(`a ${kind} file already in the uploads folder is refused at run (415 E102), no run queued, no output`, async () => {
      t = await buildTestApp();
      const uploads = path.join(t.dataDir, 'uploads');
      mkdirSync(uploads, { recursive: true });
      copyFileSync(refs[kind], path.join(uploads, path.basename(refs[kind])));
      const res = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph: DECODE_ENCODE, input: path.basename(refs[kind]) } });
      expect([res.statusCode, res.json().error.code]).toEqual([415, 'ANELO_E102_MEDIA_FORMAT_REFUSED']);
      expect((await t.app.inject({ url: '/api/runs' })).json().runs).toEqual([]);
      expect(list(path.join(t.dataDir, 'outputs'))).toEqual([]);
      const preview = await t.app.inject({ method: 'POST', url: '/api/preview', payload: { graph: DECODE_ENCODE, input: path.basename(refs[kind]), nodeId: 'dec', frame: 0 } });
      expect([preview.statusCode, preview.json().error.code]).toEqual([415, 'ANELO_E102_MEDIA_FORMAT_REFUSED']);
    });
  }
});

describe.skipIf(!hasShared('media'))('a video cut short', () => {
  it('a preview past where it stops: 422 E012 naming the file, the frame and the End frame that converts the rest', async () => {
    t = await buildTestApp();
    const cut = await writeCutShortClip(path.join(fixtures, 'cut.mp4'));
    const up = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'cut.mp4', readFileSync(cut)) });
    expect(up.statusCode).toBeLessThan(300);
    const preview = await t.app.inject({ method: 'POST', url: '/api/preview', payload: { graph: DECODE_ENCODE, input: 'cut.mp4', nodeId: 'dec', frame: 110 } });
    expect([preview.statusCode, preview.json().error.code]).toEqual([422, 'ANELO_E012_DECODE_FAILED']);
    expect(preview.json().error).toMatchObject({ nodeId: 'dec', frame: 110, file: 'cut.mp4' });
    expect(preview.json().error.message).toMatch(/^cut\.mp4 has no frame 110: its video stops before that frame, .* set the End frame of node "dec" to 110 or less /);
    expect(preview.json().error.message).not.toContain(t.dataDir);
  }, 30_000);
});

/** DECODE_ENCODE with its decode node ('dec') changed. */
const withDec = (change: (n: Record<string, unknown>) => Record<string, unknown>) => ({ ...DECODE_ENCODE, nodes: DECODE_ENCODE.nodes.map((n) => (n.id === 'dec' ? change({ ...n }) : n)) });

describe('limits and malformed requests get coded answers, never E099', () => {
  it('an upload declaring 16000x8000 frames: 413 E103, nothing kept', async () => {
    t = await buildTestApp();
    const huge = await writeHugeFrameClip(path.join(fixtures, 'huge.mp4'));
    const res = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'small.mp4', readFileSync(huge)) });
    expect([res.statusCode, res.json().error.code]).toEqual([413, 'ANELO_E103_FRAME_TOO_LARGE']);
    expect(list(path.join(t.dataDir, 'uploads'))).toEqual([]);
  }, 30_000);

  it('malformed multipart: 400 E052, nothing kept', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/media', payload: '--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nabc', headers: { 'content-type': 'multipart/form-data; boundary=zzz' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ANELO_E052_BAD_REQUEST');
    expect(list(path.join(t.dataDir, 'uploads')).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it.skipIf(!hasShared('media'))('an upload with two files: 400 E052 saying one per request, neither kept; fields around one file are fine', async () => {
    t = await buildTestApp();
    const clip = readFileSync(sharedPath('media', 'carphone-176x144.mp4'));
    const b = 'anelotwo';
    const part = (name: string, filename: string | null, body: Buffer | string) =>
      [Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')];
    const body = (...parts: Buffer[][]) => ({ payload: Buffer.concat([...parts.flat(), Buffer.from(`--${b}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${b}` } });
    const two = await t.app.inject({ method: 'POST', url: '/api/media', ...body(part('file', 'a.mp4', clip), part('file', 'b.mp4', clip)) });
    expect([two.statusCode, two.json().error.code, two.json().error.message]).toEqual([400, 'ANELO_E052_BAD_REQUEST', 'upload one video per request: this one has more than one file']);
    expect(list(path.join(t.dataDir, 'uploads')).filter((n) => !n.startsWith('.'))).toEqual([]);
    const one = await t.app.inject({ method: 'POST', url: '/api/media', ...body(part('note', null, 'x'), part('file', 'a.mp4', clip), part('after', null, 'y')) });
    expect([one.statusCode, one.json().media?.name]).toEqual([201, 'a.mp4']);
  }, 30_000);

  it('multipart without a boundary: 400 E052', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/media', payload: 'x', headers: { 'content-type': 'multipart/form-data' } });
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'ANELO_E052_BAD_REQUEST']);
  });

  it('a very long name in a URL: a coded 4xx', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ url: `/api/outputs/${'a'.repeat(5000)}.mp4` });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().error.code).toMatch(/^ANELO_E(052|072|109|070|035)/);
  });

  it('a URL no route or file can answer says why, in the coded shape (was a bare 403 "Forbidden", "no route" or Fastify\'s own body)', async () => {
    t = await buildTestApp();
    const cases: [string, number, string, RegExp][] = [
      [`/api/graphs/${'a'.repeat(65)}`, 400, 'ANELO_E060_PRESET_NAME', /65 characters, at most 64/],
      [`/api/graphs/${'a'.repeat(300)}`, 400, 'ANELO_E052_BAD_REQUEST', /params name: must NOT have more than 200 characters/],
      [`/api/graphs/${'a'.repeat(2000)}`, 414, 'ANELO_E109_URL_TOO_LONG', /a name in the URL is 2000 characters long, at most 1024/],
      ['/api/graphs/%C0%AE%C0%AE', 400, 'ANELO_E052_BAD_REQUEST', /malformed URL: .* holds a %-escape that decodes to no text/],
      ['/a%00b', 400, 'ANELO_E052_BAD_REQUEST', /NUL byte/],
      [`/${'a'.repeat(256)}`, 414, 'ANELO_E109_URL_TOO_LONG', /256 characters long, at most 255/],
      [`/a/${'b/'.repeat(3000)}`, 414, 'ANELO_E109_URL_TOO_LONG', /the URL's path is 6003 characters long, at most 4096/],
    ];
    for (const [url, status, code, message] of cases) {
      const res = await t.app.inject({ url });
      expect([url.slice(0, 30), res.statusCode, res.json().error?.code], res.body.slice(0, 300)).toEqual([url.slice(0, 30), status, code]);
      expect(res.json().error.message).toMatch(message);
    }
    // A body that is not an object is named once ("body: must be object", not "body body: …").
    const res = await t.app.inject({ method: 'POST', url: '/api/runs', payload: '[1]', headers: { 'content-type': 'application/json' } });
    expect([res.statusCode, res.json().error.message]).toEqual([400, 'body: must be object']);
  });

  it('a body that is not JSON: 400 E052', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'PUT', url: '/api/graphs/x', payload: '{ nope', headers: { 'content-type': 'application/json' } });
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'ANELO_E052_BAD_REQUEST']);
  });

  it.skipIf(!hasShared('media'))('a node type, param or id named like an Object.prototype member: 400 E001 naming it, on every route', async () => {
    t = await buildTestApp();
    const input = path.basename(VICTIM);
    const cases: [unknown, RegExp][] = [
      [withDec((n) => ({ ...n, type: '__proto__' })), /node "dec": unknown node type "__proto__"/],
      [withDec((n) => ({ ...n, type: 'toString' })), /node "dec": unknown node type "toString"/],
      [withDec((n) => ({ ...n, params: { constructor: 1 } })), /node "dec": unknown param "constructor"/],
      [{ ...DECODE_ENCODE, nodes: DECODE_ENCODE.nodes.map((n) => (n.id === 'enc' ? { ...n, id: '__proto__' } : n)), edges: DECODE_ENCODE.edges.map((e) => ({ ...e, target: '__proto__' })) }, /node "__proto__": "__proto__" is reserved/],
    ];
    for (const [graph, message] of cases) {
      for (const [url, extra] of [['/api/preview', { nodeId: 'dec', frame: 0 }], ['/api/runs', {}], ['/api/info', {}], ['/api/prepare', {}]] as const) {
        // A JSON body, as the editor sends it ("__proto__" stays a key of its own).
        const res = await t.app.inject({ method: 'POST', url, payload: JSON.stringify({ graph, input, ...extra }), headers: { 'content-type': 'application/json' } });
        expect([url, res.statusCode, res.json().error.code], res.body).toEqual([url, 400, 'ANELO_E001_GRAPH_INVALID']);
        expect(res.json().error.message).toMatch(message);
      }
    }
  });

  it.skipIf(!hasShared('media'))('a graph nested 100,000 levels deep: 400 E001 saying where, on every route (was 500 E099, a stack overflow)', async () => {
    t = await buildTestApp();
    const input = path.basename(VICTIM);
    // Built as text: a few hundred KB of brackets inside the decode node's params.
    const deep = '[[]]';
    const graph = JSON.stringify(withDec((n) => ({ ...n, params: { start: deep } }))).replace(`"${deep}"`, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(graph).not.toBe(JSON.stringify(DECODE_ENCODE));
    const posts = [['/api/preview', ',"nodeId":"dec","frame":0'], ['/api/runs', ''], ['/api/info', ''], ['/api/prepare', '']] as const;
    const requests = [
      ...posts.map(([url, extra]) => ({ method: 'POST' as const, url, payload: `{"graph":${graph},"input":${JSON.stringify(input)}${extra}}` })),
      { method: 'PUT' as const, url: '/api/graphs/deep', payload: graph },
    ];
    for (const r of requests) {
      const res = await t.app.inject({ ...r, headers: { 'content-type': 'application/json' } });
      expect([r.url, res.statusCode, res.json().error.code], res.body.slice(0, 300)).toEqual([r.url, 400, 'ANELO_E001_GRAPH_INVALID']);
      expect(res.json().error.message).toMatch(/^graph nests deeper than 32 levels at nodes\[\d\]\.params\.start\[0\]/);
    }
    // Nothing was saved, and the server answers as before.
    expect((await t.app.inject({ method: 'GET', url: '/api/graphs/deep' })).statusCode).toBe(404);
  });

  it.skipIf(!hasShared('media'))('a run error names files, never server folders', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/info', payload: { graph: { ...DECODE_ENCODE, nodes: DECODE_ENCODE.nodes.map((n) => (n.id === 'dec' ? { ...n, params: { start: 100000 } } : n)) }, input: path.basename(VICTIM) } });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).not.toContain(path.dirname(VICTIM));
  });
});

describe('a start after kill -9 leaves no temp files and the previous state intact', () => {
  it('sweeps output partials, upload temps and preset temps of dead processes; keeps outputs, uploads and presets', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-sweep-'));
    const data = path.join(dir, 'data');
    const files: Record<string, string[]> = {
      outputs: ['clip-enc-20261129-120000.mp4', `.clip-enc-20261129-120001.mp4.anelo-${dead}-0123456789.mp4`],
      uploads: ['holiday.mp4', `.upload.anelo-${dead}-abcdef0123.tmp`],
      presets: ['mine.json', `.mine.json.anelo-${dead}-0a0b0c0d0e.tmp`],
    };
    for (const [sub, names] of Object.entries(files)) {
      mkdirSync(path.join(data, sub), { recursive: true });
      for (const n of names) writeFileSync(path.join(data, sub, n), n.startsWith('.') ? 'partial' : 'kept');
    }
    t = await buildTestApp({ dataDir: data });
    for (const [sub, names] of Object.entries(files)) expect(readdirSync(path.join(data, sub))).toEqual([names[0]]);
    for (const [sub, names] of Object.entries(files)) expect(readFileSync(path.join(data, sub, names[0]), 'utf8')).toBe('kept');
    await t.close();
    t = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasShared('media'))('sweeps temps of processes that died while it ran, after each run', async () => {
    t = await buildTestApp();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const outputs = path.join(t.dataDir, 'outputs');
    mkdirSync(outputs, { recursive: true });
    const stale = `.cli-out.mp4.anelo-${dead}-0123456789.mp4`;
    writeFileSync(path.join(outputs, stale), 'partial of a killed CLI run');
    const { runId } = (await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph: DECODE_ENCODE, input: path.basename(VICTIM) } })).json();
    expect((await waitForRun(t.app, runId)).state).toBe('done');
    for (let i = 0; i < 40 && list(outputs).includes(stale); i++) await new Promise((r) => setTimeout(r, 50));
    expect(list(outputs).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(list(outputs)).toHaveLength(1);
  });
});
