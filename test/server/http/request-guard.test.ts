import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allowedHosts, isAllowedOrigin, isSameOrigin } from '../../../server/http/lib/host-rules.ts';
import { buildTestApp, DECODE_ENCODE, multipart, type TestApp } from './test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

interface WsClient {
  once(event: 'open' | 'error' | 'unexpected-response', fn: (a?: unknown, b?: { statusCode: number }) => void): void;
  close(): void;
}
const WS_MODULE = 'ws';
const { default: WebSocket } = (await import(WS_MODULE)) as { default: new (url: string, opts?: { headers?: Record<string, string> }) => WsClient };

/** Every route the server has, with a body where it needs one. */
const ROUTES: [string, string, unknown?][] = [
  ['GET', '/'],
  ['GET', '/index.html'],
  ['GET', '/api/node-types'],
  ['GET', '/api/models'],
  ['POST', '/api/models/fastdepth/pull?acceptLicense=true'],
  ['GET', '/api/graphs'],
  ['GET', '/api/graphs/builtin-basic'],
  ['PUT', '/api/graphs/mine', DECODE_ENCODE],
  ['POST', '/api/graphs/mine/rename', { to: 'theirs' }],
  ['DELETE', '/api/graphs/mine'],
  ['POST', '/api/graphs/validate', DECODE_ENCODE],
  ['GET', '/api/media'],
  ['DELETE', '/api/media/carphone-176x144.mp4'],
  ['GET', '/api/outputs'],
  ['GET', '/api/outputs/x.mp4'],
  ['DELETE', '/api/outputs/x.mp4'],
  ['POST', '/api/runs', { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4' }],
  ['GET', '/api/runs'],
  ['POST', '/api/runs/abc/cancel'],
  ['POST', '/api/preview', { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', nodeId: 'dec', frame: 0 }],
  ['POST', '/api/info', { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4' }],
  ['POST', '/api/prepare', { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4' }],
  ['GET', '/api/events'],
  ['GET', '/api/no-such-route'],
];

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

describe('Host allow-list (DNS rebinding)', () => {
  it('answers Host: evil.example with 403 E104 on every route, and changes nothing', async () => {
    t = await buildTestApp();
    for (const [method, url, payload] of ROUTES) {
      const res = await t.app.inject({ method: method as Method, url, payload: payload as object, headers: { host: 'evil.example:7878' } });
      expect([url, res.statusCode, res.json().error?.code]).toEqual([url, 403, 'ANELO_E104_HOST_NOT_ALLOWED']);
    }
    expect(existsSync(t.dataDir) ? readdirSync(t.dataDir).flatMap((d) => readdirSync(path.join(t!.dataDir, d))) : []).toEqual([]);
    expect((await t.app.inject({ url: '/api/runs' })).json().runs).toEqual([]);
  });

  it('refuses a rebinding name that merely ends like localhost or an IP', async () => {
    t = await buildTestApp();
    for (const host of ['localhost.evil.example', '127.0.0.1.nip.io', 'evil.example', 'localhost@evil.example']) {
      const res = await t.app.inject({ url: '/api/graphs', headers: { host } });
      expect([host, res.statusCode]).toEqual([host, 403]);
    }
  });

  it('answers the loopback names, the configured host and ANELO_ALLOWED_HOSTS', async () => {
    t = await buildTestApp();
    for (const host of ['127.0.0.1:7878', 'localhost:7878', '[::1]:7878', 'LOCALHOST']) {
      expect([host, (await t.app.inject({ url: '/api/graphs', headers: { host } })).statusCode]).toEqual([host, 200]);
    }
    expect([...allowedHosts('127.0.0.2', { ANELO_ALLOWED_HOSTS: 'studio.lan, Box:8080' })]).toEqual(expect.arrayContaining(['127.0.0.2', 'studio.lan', 'box']));
  });
});

describe('same-origin check on state-changing requests', () => {
  it('refuses cross-site POST, PUT and DELETE with 403 E105 and changes nothing', async () => {
    t = await buildTestApp();
    const evil = { host: '127.0.0.1:7878', origin: 'http://evil.example' };
    for (const [method, url, payload] of ROUTES.filter(([m, u]) => m !== 'GET' && !u.startsWith('/api/no'))) {
      const res = await t.app.inject({ method: method as Method, url, payload: payload as object, headers: evil });
      expect([url, res.statusCode, res.json().error?.code]).toEqual([url, 403, 'ANELO_E105_CROSS_ORIGIN']);
    }
    expect((await t.app.inject({ url: '/api/graphs' })).json().graphs.map((g: { name: string }) => g.name)).toEqual(['builtin-basic']);
    expect(t.app.modelPulls.isPulling('fastdepth')).toBe(false);
  });

  it('refuses a cross-site multipart upload, keeping nothing', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'x.mp4', 'data'), headers: { ...multipart('file', 'x.mp4', 'data').headers, origin: 'https://evil.example', host: 'localhost:7878' } });
    expect([res.statusCode, res.json().error.code]).toEqual([403, 'ANELO_E105_CROSS_ORIGIN']);
    expect(() => readdirSync(path.join(t!.dataDir, 'uploads'))).toThrow();
  });

  it('refuses a request a browser marks cross-site even without Origin, and Origin "null" (sandboxed frames)', async () => {
    t = await buildTestApp();
    const a = await t.app.inject({ method: 'PUT', url: '/api/graphs/mine', payload: DECODE_ENCODE, headers: { 'sec-fetch-site': 'cross-site' } });
    const b = await t.app.inject({ method: 'PUT', url: '/api/graphs/mine', payload: DECODE_ENCODE, headers: { origin: 'null' } });
    expect([a.statusCode, b.statusCode]).toEqual([403, 403]);
  });

  it('accepts the editor itself (same origin) and tools that send no Origin', async () => {
    t = await buildTestApp();
    const same = await t.app.inject({ method: 'PUT', url: '/api/graphs/mine', payload: DECODE_ENCODE, headers: { host: 'localhost:7878', origin: 'http://localhost:7878' } });
    expect(same.statusCode).toBe(200);
    const tool = await t.app.inject({ method: 'DELETE', url: '/api/graphs/mine' });
    expect(tool.statusCode).toBe(204);
    expect(isSameOrigin('http://localhost:7879', 'localhost:7878')).toBe(false);
    // The editor's dev server (vite, another loopback port) proxies here; a page from elsewhere never has a loopback origin.
    expect(isAllowedOrigin('http://localhost:5173', '127.0.0.1:7878')).toBe(true);
    expect(isAllowedOrigin('http://localhost:5173', 'studio.lan:7878')).toBe(false);
    expect(isAllowedOrigin('http://evil.example', '127.0.0.1:7878')).toBe(false);
    const dev = await t.app.inject({ method: 'PUT', url: '/api/graphs/dev', payload: DECODE_ENCODE, headers: { host: '127.0.0.1:7878', origin: 'http://localhost:5173' } });
    expect(dev.statusCode).toBe(200);
    expect(isSameOrigin('https://localhost:7878', 'localhost:7878')).toBe(true);
    expect(isSameOrigin('http://[::1]:7878', '[::1]:7878')).toBe(true);
  });

  it('refuses a WebSocket upgrade from another origin or host, accepts the editor’s', async () => {
    t = await buildTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const connect = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers });
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (req, res) => {
          (req as { destroy(): void }).destroy();
          resolve(res!.statusCode);
        });
        ws.once('error', (e) => reject(e));
      });
    expect(await connect({ origin: 'http://evil.example' })).toBe(403);
    expect(await connect({ host: 'evil.example', origin: 'http://evil.example' })).toBe(403);
    expect(await connect({ origin: `http://127.0.0.1:${port}` })).toBe(101);
  });
});

describe('access token beyond loopback', () => {
  it('a server bound to all interfaces needs its token: 401 E106 without, cookie after ?token=', async () => {
    t = await buildTestApp({ host: '0.0.0.0' });
    const token = t.app.aneloOptions.accessToken!;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const none = await t.app.inject({ url: '/api/graphs' });
    expect([none.statusCode, none.json().error.code]).toEqual([401, 'ANELO_E106_ACCESS_TOKEN']);
    const wrong = await t.app.inject({ url: '/api/graphs', headers: { authorization: `Bearer ${token.slice(1)}x` } });
    expect(wrong.statusCode).toBe(401);
    const first = await t.app.inject({ url: `/api/graphs?token=${token}` });
    expect(first.statusCode).toBe(200);
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await t.app.inject({ url: '/api/graphs', headers: { cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/graphs', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  });

  it('a loopback server needs none', async () => {
    t = await buildTestApp();
    expect(t.app.aneloOptions.accessToken).toBeUndefined();
  });
});
