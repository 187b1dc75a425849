import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';
import { buildTestApp, DECODE_ENCODE, multipart, type TestApp } from './test-app.ts';
import { MAX_GRAPH_NODES } from '../../../nodes/core/validate-graph.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** One raw HTTP exchange, for requests no client library would send. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    s.on('data', (d) => (out += String(d)));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
  });
}

describe('error contract', () => {
  it('a request Node cannot parse gets a coded 400 body, not Fastify’s own', async () => {
    t = await buildTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const bad = await raw(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nNot A Header\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4)).error.code).toBe('ANELO_E052_BAD_REQUEST');
    const long = await raw(port, `GET /api/outputs/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(long).toMatch(/^HTTP\/1\.1 431/);
    expect(JSON.parse(long.slice(long.indexOf('\r\n\r\n') + 4)).error.code).toBe('ANELO_E109_URL_TOO_LONG');
  });

  it('a chain of the most nodes a graph may have is validated and a cycle through it found; a 20 000-node one is refused at once', async () => {
    t = await buildTestApp();
    const chain = (n: number) => {
      const nodes = [{ id: 'd', type: 'decode', params: {}, position: { x: 0, y: 0 } }, ...Array.from({ length: n }, (_, i) => ({ id: `e${i}`, type: 'edge-refine', params: {}, position: { x: 0, y: 0 } }))];
      const edges = Array.from({ length: n - 1 }, (_, i) => ({ source: `e${i}`, sourcePort: 'depth', target: `e${i + 1}`, targetPort: 'depth' }));
      return { schemaVersion: 1, nodes, edges: [...edges, { source: `e${n - 1}`, sourcePort: 'depth', target: 'e0', targetPort: 'depth' }] };
    };
    const res = await t.app.inject({ method: 'POST', url: '/api/graphs/validate', payload: chain(MAX_GRAPH_NODES - 1) });
    expect(res.statusCode).toBe(200);
    const problems = res.json().problems as { kind: string; message: string }[];
    expect(problems.filter((p) => p.kind === 'cycle').map((p) => p.message)).toEqual([`cycle: e0 -> e1 -> e2 -> e3 -> e4 -> e5 -> e6 -> e7 -> e8 -> e9 -> … (${MAX_GRAPH_NODES - 1} nodes in all) -> e0`]);
    const big = await t.app.inject({ method: 'POST', url: '/api/graphs/validate', payload: chain(20_000) });
    expect([big.statusCode, big.json().error.code]).toEqual([400, 'ANELO_E001_GRAPH_INVALID']);
    expect(big.json().error.message).toBe(`graph has 20001 nodes; anelo takes at most ${MAX_GRAPH_NODES}; graph has 20000 edges; anelo takes at most ${4 * MAX_GRAPH_NODES}`);
  }, 60_000);

  it.skipIf(!hasShared('media'))('/api/info names the source by media name, never by server path', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/info', payload: { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().nodes.dec.frames.source.path).toBe('carphone-176x144.mp4');
    expect(res.body).not.toContain(sharedPath('media'));
  });
});

const tiny = mkdtempSync(path.join(os.tmpdir(), 'anelo-tiny-http-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tiny], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}
afterAll(() => {
  if (mounted) execFileSync('umount', [tiny]);
  rmSync(tiny, { recursive: true, force: true });
});

describe.skipIf(!mounted || !hasShared('media'))('an upload onto a full disk', () => {
  it('is 507 E090 with a coded body, and leaves no partial upload', async () => {
    t = await buildTestApp({ dataDir: tiny });
    const clip = readFileSync(sharedPath('media', 'carphone-176x144.mp4')); // 575 KB, twice fills 1 MB
    expect((await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'a.mp4', clip) })).statusCode).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'b.mp4', clip) });
    expect([res.statusCode, res.json().error.code]).toEqual([507, 'ANELO_E090_DISK_FULL']);
    expect(res.json().error.message).not.toContain(tiny);
    const uploads = path.join(tiny, 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual(['a.mp4']);
  });
});
