import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, DECODE_ENCODE, type TestApp } from './test-app.ts';

let t: TestApp;
afterEach(() => t.close());

/** The few members of the `ws` client (a dependency of @fastify/websocket, shipped without types) this test uses. */
interface WsClient {
  once(event: 'open' | 'error', fn: (e?: unknown) => void): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  close(): void;
}
const WS_MODULE = 'ws';
const { default: WebSocket } = (await import(WS_MODULE)) as { default: new (url: string) => WsClient };

interface Message {
  kind: string;
  runId?: string;
  event?: { type: string };
  run?: { state: string; outputs: string[] };
}

describe('the /api/events WebSocket', () => {
  it('streams a run: states queued → running → done, with run-start, progress and run-done events between', async () => {
    t = await buildTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const messages: Message[] = [];
    const done = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as Message;
        messages.push(m);
        if (m.kind === 'run-state' && m.run?.state === 'done') resolve();
      });
    });
    const res = await fetch(`http://127.0.0.1:${port}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', frames: { start: 0, end: 40 } }),
    });
    const { runId } = (await res.json()) as { runId: string };
    await done;
    ws.close();

    expect(messages.filter((m) => m.kind === 'run-state').map((m) => m.run!.state)).toEqual(['queued', 'running', 'done']);
    const events = messages.filter((m) => m.kind === 'run').map((m) => m.event!.type);
    expect(events[0]).toBe('run-start');
    expect(events).toContain('node-progress');
    expect(events.at(-1)).toBe('run-done');
    expect(messages.every((m) => m.kind !== 'run' || m.runId === runId)).toBe(true);
    const runDone = messages.find((m) => m.event?.type === 'run-done')!.event as unknown as { report: { outputs: Record<string, string> } };
    expect(runDone.report.outputs.enc).toMatch(/^carphone-176x144-enc-.*\.mp4$/); // a name, never a server path
  });

  it('refuses "%2e%2e" sent raw over HTTP (no URL normalisation in between)', async () => {
    t = await buildTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const body = await new Promise<{ status: number; json: { error: { code: string } } }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/api/graphs/%2e%2e' }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
        })
        .on('error', reject);
    });
    expect([body.status, body.json.error.code]).toEqual([400, 'ANELO_E060_PRESET_NAME']);
  });
});
