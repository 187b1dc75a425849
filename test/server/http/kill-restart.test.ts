/**
 * kill -9 in the middle of a render and of an upload, then a fresh start on the same data folder: no temp file
 * survives the start, and what was there before (presets, uploads, finished outputs) is intact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasShared, PROJECT_ROOT, sharedPath } from '../../helpers/shared-data.ts';
import { buildTestApp, DECODE_ENCODE } from './test-app.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-kill9-'));
const data = path.join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(): Promise<{ child: ChildProcess; base: string }> {
  const client = path.join(dir, 'client');
  mkdirSync(client, { recursive: true });
  writeFileSync(path.join(client, 'index.html'), '<!doctype html>');
  const env = { ...process.env, ANELO_DATA_DIR: data, ANELO_CLIENT_DIR: client, ANELO_CACHE_DIR: path.join(dir, 'cache') };
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), 'serve', '--port', '0'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
  return { child, base };
}

const listing = (sub: string): string[] => {
  try {
    return readdirSync(path.join(data, sub)).sort();
  } catch {
    return [];
  }
};

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe.skipIf(!hasShared('media'))('kill -9, then start again', () => {
  it('during a render and during an upload: the next start leaves no temp files and the previous state intact', async () => {
    mkdirSync(path.join(data, 'presets'), { recursive: true });
    mkdirSync(path.join(data, 'uploads'), { recursive: true });
    mkdirSync(path.join(data, 'outputs'), { recursive: true });
    writeFileSync(path.join(data, 'presets', 'mine.json'), JSON.stringify(DECODE_ENCODE));
    writeFileSync(path.join(data, 'uploads', 'earlier.mp4'), readFileSync(sharedPath('media', 'carphone-176x144.mp4')));
    writeFileSync(path.join(data, 'outputs', 'earlier-enc-20261129-120000.mp4'), 'a finished output');
    const before = { presets: listing('presets'), uploads: listing('uploads'), outputs: listing('outputs') };

    // A render, killed while its partial file is being written.
    let s = await serve();
    const graph = { ...DECODE_ENCODE, nodes: DECODE_ENCODE.nodes.map((n) => (n.id === 'enc' ? { ...n, params: { preset: 'medium', crf: 18 } } : n)) };
    const r = await fetch(`${s.base}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph, input: 'bbb-60s-640x360.mp4' }) });
    expect(r.status).toBe(202);
    await until(() => listing('outputs').some((n) => n.startsWith('.')));
    await kill9(s.child);

    // An upload, killed while its temp file is being written.
    s = await serve();
    const boundary = 'anelokill9';
    const req = http.request(`${s.base}/api/media`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    req.on('error', () => {});
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
    req.write(Buffer.alloc(2 ** 20, 7));
    await until(() => listing('uploads').some((n) => n.startsWith('.upload')));
    await kill9(s.child);
    req.destroy();
    expect(listing('uploads').some((n) => n.startsWith('.upload'))).toBe(true);

    // Orphaned ffmpeg processes see their pipes close and exit; give them a moment before the next start.
    await new Promise((res) => setTimeout(res, 1500));
    const t = await buildTestApp({ dataDir: data });
    try {
      expect({ presets: listing('presets'), uploads: listing('uploads'), outputs: listing('outputs') }).toEqual(before);
      expect(readFileSync(path.join(data, 'outputs', 'earlier-enc-20261129-120000.mp4'), 'utf8')).toBe('a finished output');
      expect((await t.app.inject({ url: '/api/graphs/mine' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  }, 120_000);
});
