/** Builds a server per test over fresh temp folders, with the shared sample clips as read-only media. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../server/http/build-server.ts';
import type { ServerOptions } from '../../../server/http/server-options.ts';
import { sharedPath } from '../../helpers/shared-data.ts';

export interface TestApp {
  app: FastifyInstance;
  dir: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A built-in preset: decode → encode (ultrafast, so runs stay quick). */
export const DECODE_ENCODE = {
  schemaVersion: 1,
  name: 'decode-encode',
  nodes: [
    { id: 'dec', type: 'decode', params: {}, position: { x: 0, y: 0 } },
    { id: 'enc', type: 'encode', params: { preset: 'ultrafast', crf: 30 }, position: { x: 200, y: 0 } },
  ],
  edges: [{ source: 'dec', sourcePort: 'frames', target: 'enc', targetPort: 'video' }],
};

export async function buildTestApp(over: Partial<ServerOptions> = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-http-'));
  const builtIns = path.join(dir, 'graphs');
  mkdirSync(builtIns);
  writeFileSync(path.join(builtIns, 'builtin-basic.json'), JSON.stringify(DECODE_ENCODE));
  const dataDir = path.join(dir, 'data');
  const app = await buildServer({
    dataDir,
    builtInGraphsDir: builtIns,
    sampleMediaDir: sharedPath('media'),
    clientDir: path.join(dir, 'client'),
    cacheDir: null,
    logs: false,
    // Dozens of servers start in these tests: no background warm-up beside each (warm-up-pool.test.ts covers it).
    warmUp: false,
    ...over,
  });
  await app.ready();
  return {
    app,
    dir,
    dataDir,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body with one file field. */
export function multipart(field: string, filename: string, content: Uint8Array | string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----anelo${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Polls a run until it leaves queued/running. */
export async function waitForRun(app: FastifyInstance, id: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const t0 = Date.now();
  for (;;) {
    const r = (await app.inject({ url: `/api/runs/${id}` })).json() as Record<string, unknown>;
    if (r.state !== 'queued' && r.state !== 'running') return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${id} still ${String(r.state)} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 50));
  }
}
