/**
 * Depth inference on its own thread: the same maps and stats as in-process, coded errors that cross the thread,
 * a cancel that returns at once, and an event loop that keeps ticking while a real model runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelLoadEvent } from '../../../nodes/core/types.ts';
import { depthStats } from '../../../nodes/lib/depth-stats.ts';
import { OnnxDepthService } from '../../../server/depth/depth-service.ts';
import { depthThreadPlan, ThreadedDepthService } from '../../../server/depth/depth-thread.ts';
import { modelSearchDirs } from '../../../server/depth/model-dirs.ts';
import { readRegistry } from '../../../server/depth/model-registry.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import { SessionPool } from '../../../server/depth/onnx-session.ts';
import { PROJECT_ROOT, sharedPath } from '../../helpers/shared-data.ts';
import { gradientFrame, solidFrame, tempModelDir, writeDepthAnythingLike, writeRank3Model } from '../../helpers/test-models.ts';

let dir: string;
let threaded: ThreadedDepthService;
const storeFor = (d: string): ModelStore => new ModelStore({ dirs: [d], registry: readRegistry(), hashCacheFile: null });

beforeAll(() => {
  dir = tempModelDir();
  writeDepthAnythingLike(dir, { weights: [0.5, -0.25, 0.125], bias: 2 });
  writeDepthAnythingLike(dir, { weights: [Number.NaN, 0, 0], bias: 0 }, { id: 'test-nan' });
  threaded = new ThreadedDepthService({ store: storeFor(dir) });
});

afterAll(() => threaded.close());

describe('depthThreadPlan', () => {
  it('shares the cores out: one depth thread over all of them under four cores, from four two with the cores split', () => {
    expect(depthThreadPlan(1)).toEqual({ threads: 1, intraOp: 1 });
    // On 2 cores two single-threaded sessions took about twice the CPU a frame of one split over both.
    expect(depthThreadPlan(2)).toEqual({ threads: 1, intraOp: 2 });
    expect(depthThreadPlan(3)).toEqual({ threads: 1, intraOp: 3 });
    expect(depthThreadPlan(4)).toEqual({ threads: 2, intraOp: 2 });
    expect(depthThreadPlan(16)).toEqual({ threads: 2, intraOp: 8 });
    expect(depthThreadPlan(16, 4)).toEqual({ threads: 4, intraOp: 4 });
  });
});

describe('ThreadedDepthService', () => {
  it('gives the same maps and per-frame stats as inference on the calling thread', async () => {
    const frames = [0, 1, 2, 3, 4, 5, 6].map((k) => gradientFrame(90, 50, 30 * k));
    const local = await new OnnxDepthService({ store: storeFor(dir), pool: new SessionPool() }).infer({ model: 'test-da-like' }, frames, 90, 50);
    const r = await threaded.infer({ model: 'test-da-like' }, frames, 90, 50);
    expect([r.width, r.height]).toEqual([local.width, local.height]);
    expect(r.frames).toHaveLength(7);
    r.frames.forEach((f, i) => expect(Array.from(f)).toEqual(Array.from(local.frames[i])));
    expect(r.stats).toEqual(local.frames.map((f) => depthStats(f)));
  });

  it('reads frames that live in shared memory, as decode hands them over', async () => {
    const plain = gradientFrame(64, 40, 10);
    const shared = new Uint8Array(new SharedArrayBuffer(plain.length));
    shared.set(plain);
    const [a, b] = await Promise.all([threaded.infer({ model: 'test-da-like' }, [plain], 64, 40), threaded.infer({ model: 'test-da-like' }, [shared], 64, 40)]);
    expect(Array.from(b.frames[0])).toEqual(Array.from(a.frames[0]));
  });

  it('brings a model error back with its code and the model named', async () => {
    const err = await threaded.infer({ model: 'test-nan' }, [solidFrame(28, 28, [10, 20, 30])], 28, 28).catch((e) => e);
    expect(err.code).toBe('ANELO_E110_DEPTH_NOT_FINITE');
    expect(err.message).toContain('"test-nan"');
  });

  it('prepare loads the model on the depth threads: a model that does not fit its manifest fails there, as infer does', async () => {
    const bad = writeRank3Model(dir);
    const service = new ThreadedDepthService({ store: storeFor(dir), threads: 2 });
    try {
      const err = await service.prepare({ model: bad.path }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ANELO_E042_MODEL_MANIFEST' });
      expect((err as Error).message).toMatch(/rank 3/);
      // A model that loads: prepare resolves, and inference after it gives what it gives without.
      await service.prepare({ model: 'test-da-like' });
      const frames = [gradientFrame(90, 50, 7)];
      const [after, fresh] = await Promise.all([service.infer({ model: 'test-da-like' }, frames, 90, 50), threaded.infer({ model: 'test-da-like' }, frames, 90, 50)]);
      expect(Array.from(after.frames[0])).toEqual(Array.from(fresh.frames[0]));
      expect((await service.prepare({ model: 'no-such-model' }).catch((e: unknown) => e)) as object).toMatchObject({ code: 'ANELO_E041_MODEL_UNKNOWN' });
    } finally {
      await service.close();
    }
  });

  it('says when a model actually loads: once as it loads, nothing for a model loaded already, why when it cannot', async () => {
    const bad = writeRank3Model(dir, 'test-rank3-loads');
    // Threads that end after 300 ms idle, so that their end (and the model's with them) can be seen here.
    const service = new ThreadedDepthService({ store: storeFor(dir), threads: 2, idleMs: 300 });
    const heard: ModelLoadEvent[] = [];
    service.onModelLoad((e) => heard.push(e));
    try {
      // Two prepares at once (two previews) are one load; one more after it finds the model there.
      await Promise.all([service.prepare({ model: 'test-da-like' }), service.prepare({ model: 'test-da-like' })]);
      await service.prepare({ model: 'test-da-like' });
      expect(heard.map((e) => [e.model, e.state])).toEqual([
        ['test-da-like', 'loading'],
        ['test-da-like', 'ready'],
      ]);
      expect(heard[1]).toMatchObject({ ms: expect.any(Number) });
      // A model an infer loaded without a prepare is there for the next prepare too.
      heard.length = 0;
      writeDepthAnythingLike(dir, { weights: [0.1, 0.2, 0.3], bias: 1 }, { id: 'test-da-other' });
      await service.infer({ model: 'test-da-other' }, [gradientFrame(90, 50, 7)], 90, 50);
      await service.prepare({ model: 'test-da-other' });
      expect(heard).toEqual([]);
      // A model that cannot load: 'failed', with the code and message the preview would show.
      expect(await service.prepare({ model: bad.path }).catch((e: unknown) => e)).toMatchObject({ code: 'ANELO_E042_MODEL_MANIFEST' });
      expect(heard).toEqual([
        { model: bad.path, state: 'loading' },
        { model: bad.path, state: 'failed', error: expect.objectContaining({ code: 'ANELO_E042_MODEL_MANIFEST', message: expect.stringMatching(/rank 3/) }) },
      ]);
      // An unknown model fails before anything loads: nothing to say.
      heard.length = 0;
      await service.prepare({ model: 'no-such-model' }).catch(() => {});
      expect(heard).toEqual([]);
      // Threads that ended took their sessions: the next prepare loads again, and says so.
      await new Promise((r) => setTimeout(r, 1500));
      await service.prepare({ model: 'test-da-like' });
      expect(heard.map((e) => e.state)).toEqual(['loading', 'ready']);
    } finally {
      await service.close();
    }
  });

  it('an unknown model fails before anything is posted to the thread', async () => {
    const err = await threaded.infer({ model: 'no-such-model' }, [solidFrame(28, 28, [1, 2, 3])], 28, 28).catch((e) => e);
    expect(err.code).toBe('ANELO_E041_MODEL_UNKNOWN');
  });

  it('a cancel rejects at once with E030 and the thread serves the next call', async () => {
    const frames = Array.from({ length: 64 }, (_, k) => gradientFrame(320, 200, k));
    const controller = new AbortController();
    const pending = threaded.infer({ model: 'test-da-like' }, frames, 320, 200, controller.signal);
    setTimeout(() => controller.abort(), 5);
    const t0 = performance.now();
    const err = await pending.catch((e) => e);
    expect(err.code).toBe('ANELO_E030_CANCELLED');
    expect(performance.now() - t0).toBeLessThan(2000);
    const after = await threaded.infer({ model: 'test-da-like' }, [solidFrame(28, 28, [9, 9, 9])], 28, 28);
    expect(after.frames).toHaveLength(1);
  });

  it("runs the batches ranked first first, across calls: a run's first chunk is not held up by the chunks read ahead", async () => {
    const one = new ThreadedDepthService({ store: storeFor(dir), threads: 1, cores: 1 });
    try {
      const frames = (n: number) => Array.from({ length: n }, (_, k) => gradientFrame(160, 100, 7 * k));
      const done: string[] = [];
      // Two batches ranked later and four ranked earlier, asked for together: whichever reaches the line first, the
      // earlier-ranked call's batches all run before the later one's second (taking turns, the later call ended first).
      const later = one.infer({ model: 'test-da-like' }, frames(8), 160, 100, undefined, undefined, 2e9 + 16).then((r) => {
        done.push('later');
        return r;
      });
      const earlier = one.infer({ model: 'test-da-like' }, frames(16), 160, 100, undefined, undefined, 2e9).then((r) => {
        done.push('earlier');
        return r;
      });
      const [a, b] = await Promise.all([later, earlier]);
      expect(done).toEqual(['earlier', 'later']);
      expect([a.frames.length, b.frames.length]).toEqual([8, 16]);
      // A cancelled call's waiting batches leave the line: the next call is served, and every batch of it.
      const controller = new AbortController();
      const gone = one.infer({ model: 'test-da-like' }, frames(64), 160, 100, controller.signal, undefined, 0);
      controller.abort();
      expect((await gone.catch((e) => e)).code).toBe('ANELO_E030_CANCELLED');
      expect((await one.infer({ model: 'test-da-like' }, frames(5), 160, 100)).frames).toHaveLength(5);
    } finally {
      await one.close();
    }
  });
});

describe('closing the depth threads while they infer', () => {
  it('waits for the batch each thread is running, however they are staggered; the process lives on', () => {
    // In a process of its own: terminating a thread inside onnxruntime's native run aborts the whole process
    // ("terminate called after throwing an instance of 'Napi::Error'") — a server stopping, or a test runner's
    // worker, with it. Both threads busy, one batch three times the other's: piscina's own graceful close resolved
    // when the first finished and destroyed the other mid-run.
    const child = path.join(PROJECT_ROOT, 'test', 'server', 'depth', 'close-mid-run-child.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, '6'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toContain('terminate called');
    expect(r.status).toBe(0);
    const { rounds } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rounds: { inference: string[]; closeMs: number }[] };
    expect(rounds).toHaveLength(6);
    const outcomes = rounds.flatMap((x) => x.inference);
    // A batch that was running when close() came finishes and is returned; one not yet posted fails with E036.
    for (const o of outcomes) expect(o).toMatch(/^(4 frames|ANELO_E036_WORKER_DIED: depth inference stopped: the depth threads were closed)/);
    for (const round of rounds) expect(round.closeMs).toBeLessThan(5_000);
    // Close comes while the short batch still runs (35–63 % of its time after the batches are asked for): some were
    // running and waited for.
    expect(outcomes.filter((o) => o === '4 frames').length).toBeGreaterThan(0);
  });

  it('an exit that comes while the threads are closing (Ctrl-C twice) still waits for the running batches', () => {
    // The close had taken the pool off the list an exit waits for, so the exit terminated the threads mid-run:
    // exit 134 and "terminate called", as the CLI's second-signal test met in a full CI run.
    const child = path.join(PROJECT_ROOT, 'test', 'server', 'depth', 'exit-while-closing-child.ts');
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', child], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).not.toContain('terminate called');
      expect(r.status).toBe(130);
    }
  });

  it('an exit whose wait runs out while a batch still runs (seconds a batch on a CPU) ends by SIGINT, never an abort', () => {
    // Exiting then would terminate the thread inside onnxruntime's run (exit 134, "terminate called", one run in two
    // on the previous code); a signal's default action stops every thread at once, and shells report 130 for it.
    const child = path.join(PROJECT_ROOT, 'test', 'server', 'depth', 'exit-while-closing-child.ts');
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', child, '5'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).not.toContain('terminate called');
      expect(r.signal === 'SIGINT' || r.status === 130, `status ${r.status}, signal ${r.signal}`).toBe(true);
    }
  });
});

const modelsDir = [...modelSearchDirs(), sharedPath('models')].find((d) => existsSync(path.join(d, 'fastdepth-nyu-224-f32.onnx')));

/**
 * CPU time this thread (the one whose event loop serves requests) spent while `work` ran, from /proc: unlike gaps
 * between timer ticks, it does not grow when other processes keep the thread off the CPU (timer gaps counted
 * that as blocking, and the test failed now and then under a full test run on two cores).
 */
function threadCpuMs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function callerCpu(work: () => Promise<unknown>): Promise<{ cpu: number; took: number }> {
  const t0 = performance.now();
  const c0 = threadCpuMs();
  await work();
  return { cpu: threadCpuMs() - c0, took: performance.now() - t0 };
}

describe.skipIf(!modelsDir || !existsSync('/proc/thread-self/stat'))('the event loop while a real model runs (FastDepth)', () => {
  it('stays free on the depth thread, where inference on the calling thread blocks it for much of the run', async () => {
    const params = { model: path.join(modelsDir!, 'fastdepth-nyu-224-f32.onnx') };
    const frames = Array.from({ length: 16 }, (_, k) => gradientFrame(1280, 720, k * 10));
    const threadedService = new ThreadedDepthService();
    const inProcess = new OnnxDepthService({ pool: new SessionPool() });
    // Threads and sessions loaded first: only inference is timed.
    await threadedService.infer(params, frames.slice(0, 2), 1280, 720);
    await inProcess.infer(params, frames.slice(0, 1), 1280, 720);
    const here = await callerCpu(() => inProcess.infer(params, frames, 1280, 720));
    const threaded = await callerCpu(() => threadedService.infer(params, frames, 1280, 720));
    await threadedService.close();
    // The model runs synchronously on the calling thread (the resize of the 720p frames does not: libvips works on
    // libuv's threads), so in process that thread is busy for a good part of the run, its event loop blocked.
    expect(here.cpu).toBeGreaterThan(here.took * 0.15);
    expect(threaded.cpu).toBeLessThan(here.cpu / 4);
  });
});
