/**
 * Faults of a cluster render, through the real CLI and worker processes: a coded failure on a worker fails the
 * render with that error and says where; Ctrl-C stops the work on the workers; an unreachable Redis is a clear
 * error at once. None of them leaves anything beside the output.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, hasRedisServer, startRedis, type TestRedis } from '../../helpers/redis-server.ts';
import { hasShared, PROJECT_ROOT, sharedPath } from '../../helpers/shared-data.ts';
import { anelo, startWorker, type WorkerProcess } from './cluster-fixture.ts';
import { writeDecodeEncodeGraph } from '../../helpers/decode-encode-graph.ts';

let dir: string;
let graph: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cluster-faults-'));
  graph = await writeDecodeEncodeGraph(dir);
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Files other than the listed ones in the test folder (segment folders, partial files, concat lists). */
async function leftovers(keep: string[]): Promise<string[]> {
  return (await fs.readdir(dir)).filter((f) => !keep.includes(f) && !f.startsWith('cache'));
}

describe('anelo with Redis unreachable', () => {
  it('run --cluster fails at once with ANELO_E140 and writes nothing', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await anelo(['run', graph, '--input', sharedPath('media', 'carphone-176x144.mp4'), '--output', path.join(dir, 'none.mp4'), '--cluster', `redis://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error ANELO_E140_REDIS_UNREACHABLE: cannot reach Redis at redis://127.0.0.1:${port}`, 'm'));
    // Bounded: the connect check gives up after 3 s; the rest is the CLI starting (slow on a busy machine).
    expect(Date.now() - t0).toBeLessThan(25_000);
    expect(await leftovers(['decode-encode.json'])).toEqual([]);
  }, 60_000);

  it('worker fails at once with ANELO_E140', async () => {
    const port = await freePort();
    const r = await anelo(['worker', '--redis', `redis://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error ANELO_E140_REDIS_UNREACHABLE/m);
  }, 60_000);
});

describe.skipIf(!hasRedisServer() || !hasShared('media'))('cluster render faults', () => {
  let redis: TestRedis;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis?.stop();
  });

  it('a coded failure on a worker fails the render with that error, naming node, segment and worker', async () => {
    // This worker's ffmpeg is missing: every segment it takes fails in the decode node with a coded error.
    const bad = await startWorker(redis.url, path.join(dir, 'cache-bad'), { ANELO_FFMPEG_PATH: path.join(dir, 'no-ffmpeg') });
    workers.push(bad);
    const out = path.join(dir, 'failed.mp4');
    const r = await anelo(['run', graph, '--input', sharedPath('media', 'carphone-176x144.mp4'), '--output', out, '--cache-dir', path.join(dir, 'cache-plan'), '--cluster', redis.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error ANELO_E0\\d\\d_[A-Z_]+ \\(node decode\\): .*no-ffmpeg.*\\(segment 0 \\[0,120\\) on worker [^ ]+:${bad.pid}\\)`, 'm'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await leftovers(['decode-encode.json'])).toEqual([]);
    await bad.stop();
    workers.splice(workers.indexOf(bad), 1);
  }, 60_000);

  it('Ctrl-C cancels the flow: the worker stops that segment, no job stays queued, nothing is written', async () => {
    const w = await startWorker(redis.url, path.join(dir, 'cache-w'));
    workers.push(w);
    // Jobs of this render only: those of an earlier test (or of a first attempt, in CI) are not its to remove.
    const renderJobs = async (): Promise<string[]> => {
      const r = new Redis(redis.port, '127.0.0.1');
      // Segments, the join, and the planning gate (Ctrl-C may come while cuts are still being searched).
      const keys = (await r.keys('bull:anelo-render*')).filter((k) => /:[0-9a-f-]{36}-(seg|join|gate)/.test(k));
      r.disconnect();
      return keys;
    };
    const before = new Set(await renderJobs());
    const out = path.join(dir, 'cancelled.mp4');
    // A slow encode of a long clip, so the render is surely still running when Ctrl-C comes.
    const client = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), 'run', graph, '--input', sharedPath('media', 'bbb-60s-640x360.mp4'), '--output', out, '--set', 'encode.preset=veryslow', '--cache-dir', path.join(dir, 'cache-plan'), '--cluster', redis.url], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    client.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = new Promise<number | null>((r) => client.once('exit', (c) => r(c)));
    await w.waitFor(/segment \d/);
    client.kill('SIGINT');
    expect(await code).toBe(130);
    expect(stderr).toMatch(/^error ANELO_E030_CANCELLED/m);
    await w.waitFor(/segment failed: ANELO_E030_CANCELLED/, 15_000);
    expect((await renderJobs()).filter((k) => !before.has(k))).toEqual([]);
    expect(await leftovers(['decode-encode.json'])).toEqual([]);
  }, 120_000);
});
