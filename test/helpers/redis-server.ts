/**
 * A private redis-server for a test file: on a free loopback port, no persistence, in a temp folder; stopped by
 * `stop()`. Tests never share a fixed port, so parallel runs and a developer's own Redis are left alone.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const REDIS_SERVER = process.env.ANELO_REDIS_SERVER ?? 'redis-server';

/** True when a redis-server binary runs here (Debian's `redis-server` package; .ci/run installs it). */
export function hasRedisServer(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
  });
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-redis-'));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc: ChildProcess = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    const until = Date.now() + 5000;
    while (!exited && Date.now() < until) {
      if (await answers(port)) {
        return {
          url: `redis://127.0.0.1:${port}`,
          port,
          async stop() {
            if (!exited) {
              const gone = new Promise((r) => proc.once('exit', r));
              proc.kill('SIGTERM');
              await gone;
            }
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('could not start redis-server on a free loopback port');
}
