import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasShared, PROJECT_ROOT } from '../../helpers/shared-data.ts';
import { buildTestApp, DECODE_ENCODE, waitForRun, type TestApp } from './test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const CLIP = 'bbb-5s-720p.mp4';

describe.skipIf(!hasShared('media'))('cancel never stalls the queue', () => {
  it('cancels 0 ms, 100 ms and 1 s after start with a warm cache; each settles within 5 s and the next run completes', async () => {
    t = await buildTestApp();
    const submit = async (): Promise<string> => (await t!.app.inject({ method: 'POST', url: '/api/runs', payload: { graph: DECODE_ENCODE, input: CLIP } })).json().runId;
    const warm = await waitForRun(t.app, await submit(), 60_000);
    expect(warm.state).toBe('done');
    for (const delay of [0, 100, 1000]) {
      const id = await submit();
      await new Promise((r) => setTimeout(r, delay));
      const t0 = Date.now();
      const res = await t.app.inject({ method: 'POST', url: `/api/runs/${id}/cancel` });
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(['cancelled', 'done']).toContain(res.json().state);
    }
    const last = await waitForRun(t.app, await submit(), 60_000);
    expect(last.state).toBe('done');
    // Only finished outputs are listed and present: no partial beside them.
    const files = readdirSync(path.join(t.dataDir, 'outputs'));
    expect(files.filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);
});

describe.skipIf(!hasShared('media'))('anelo serve stops on SIGTERM', () => {
  it('during a run: exits within 5 s, the run cancelled, no partial in outputs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-serve-'));
    const client = path.join(dir, 'client');
    mkdirSync(client);
    writeFileSync(path.join(client, 'index.html'), '<!doctype html><title>anelo</title>');
    const env = { ...process.env, ANELO_DATA_DIR: path.join(dir, 'data'), ANELO_CLIENT_DIR: client, ANELO_CACHE_DIR: path.join(dir, 'cache') };
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), 'serve', '--port', '0'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += String(d);
          const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m) resolve(m[1]);
        });
        void exited.then(() => reject(new Error(`serve exited: ${out}`)));
      });
      const graph = { ...DECODE_ENCODE, nodes: DECODE_ENCODE.nodes.map((n) => (n.id === 'enc' ? { ...n, params: { preset: 'medium', crf: 18 } } : n)) };
      const { runId } = (await (await fetch(`${base}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph, input: 'bbb-60s-640x360.mp4' }) })).json()) as { runId: string };
      for (let i = 0; i < 200; i++) {
        const s = (await (await fetch(`${base}/api/runs/${runId}`)).json()) as { state: string };
        // The outputs folder appears when the run starts writing; under load that can be a while.
        const outs = existsSync(path.join(dir, 'data', 'outputs')) ? readdirSync(path.join(dir, 'data', 'outputs')) : [];
        if (s.state === 'running' && outs.some((n) => n.startsWith('.'))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const t0 = Date.now();
      child.kill('SIGTERM');
      await exited;
      const stopMs = Date.now() - t0;
      expect(stopMs, `stopped after ${stopMs} ms; stderr: ${stderr}`).toBeLessThan(5_000);
      const outputs = path.join(dir, 'data', 'outputs');
      expect(existsSync(outputs) ? readdirSync(outputs) : [], `stderr: ${stderr}`).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
