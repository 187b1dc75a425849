import { createHash } from 'node:crypto';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../../nodes/core/graph-document.ts';
import type { ExecutorEvent } from '../../../../nodes/core/events.ts';
import type { FramesChunk, MediaService } from '../../../../nodes/core/types.ts';
import { ChunkCache } from '../../../../server/engine/chunk-cache.ts';
import { unhashedBytes } from '../../../../server/engine/chunk-codec.ts';
import { Executor } from '../../../../server/engine/executor.ts';
import { NodePool, TASK_PRIORITY } from '../../../../server/engine/pool/node-pool.ts';
import { PROGRESS_MS, PROGRESS_STEP } from '../../../../server/engine/pool/node-tasks.ts';
import { THREAD_NICE_STEP } from '../../../../server/engine/pool/thread-priority.mjs';
import { NODE_DEFINITIONS, POOL_TEST_MODULE } from './pool-test-nodes.ts';

/** The test module's 'pfail' node in its busy mode (its thread busy for `ms`) over one 1x1 frame, at `priority`. */
function busyTask(pool: NodePool, nodeId: string, ms: number, priority: number, signal = new AbortController().signal): ReturnType<NodePool['runNode']> {
  const chunk: FramesChunk = { type: 'frames', start: 0, width: 1, height: 1, frames: [new Uint8Array(3)] };
  return pool.runNode({
    definitionsModule: POOL_TEST_MODULE,
    type: 'pfail',
    nodeId,
    params: { mode: 'busy', at: ms },
    start: 0,
    end: 1,
    info: { frames: { type: 'frames', width: 1, height: 1, fps: 25, frameCount: 1 } },
    inputInfo: {},
    inputs: { frames: chunk },
    signal,
    onProgress: () => {},
    priority,
  });
}

const at = { x: 0, y: 0 };

function graph(fail?: { mode: string; at: number }): GraphDocument {
  const nodes: GraphDocument['nodes'] = [
    { id: 'src', type: 'pramp', params: { frames: 40 }, position: at },
    { id: 'mix', type: 'pmix', params: {}, position: at },
  ];
  const edges: GraphDocument['edges'] = [{ source: 'src', sourcePort: 'frames', target: 'mix', targetPort: 'frames' }];
  if (fail) {
    nodes.push({ id: 'bad', type: 'pfail', params: fail, position: at });
    edges.push({ source: 'mix', sourcePort: 'frames', target: 'bad', targetPort: 'frames' });
  }
  return { schemaVersion: 1, nodes, edges };
}

function executor(workers: number, memoryBudgetBytes = 0): Executor {
  return new Executor({
    services: { media: {} as MediaService },
    cache: new ChunkCache({ diskDir: null, memoryBudgetBytes }),
    definitions: NODE_DEFINITIONS,
    poolDefinitions: POOL_TEST_MODULE,
    workers,
  });
}

async function frames(ex: Executor): Promise<number[]> {
  const out: number[] = [];
  for (let f = 0; f < 40; f += 3) out.push(((await ex.preview(graph(), { nodeId: 'mix', frame: f })).chunk as FramesChunk).frames[0][0]);
  return out;
}

describe('worker pool', () => {
  it('gives the same frames, counts and statistics on 2 threads as on the main thread', async () => {
    const pooled = executor(2);
    const here = executor(0);
    try {
      const events: ExecutorEvent[] = [];
      const a = await pooled.run(graph(), { targets: ['mix'], onEvent: (e) => events.push(e) });
      const b = await here.run(graph(), { targets: ['mix'] });
      expect(a.nodes.mix).toMatchObject({ computedFrames: 40, stats: b.nodes.mix.stats });
      expect(a.nodes.mix.stats.mean).toBeGreaterThan(200);
      expect(await frames(pooled)).toEqual(await frames(here));
      const steps = events.filter((e) => e.type === 'node-progress' && e.nodeId === 'mix') as Extract<ExecutorEvent, { type: 'node-progress' }>[];
      // Per-frame progress from inside the worker: never backwards, never a gap of more than 4 frames.
      let last = 0;
      for (const s of steps) {
        expect(s.done - last).toBeGreaterThan(0);
        expect(s.done - last).toBeLessThanOrEqual(4);
        last = s.done;
      }
      expect(last).toBe(40);
      // ...and not one message a frame: each wakes the main thread (a quarter of the 40 steps here, and a last one
      // per chunk).
      expect(steps.length).toBeLessThanOrEqual(Math.ceil(40 / PROGRESS_STEP) + 2);
    } finally {
      await pooled.close();
    }
  });

  it('a slow node still reports every frame, a fast one every 4 frames, and each its last frame', async () => {
    const pool = new NodePool(1);
    const mix = async (frames: number, frameMs: number): Promise<number[]> => {
      const steps: number[] = [];
      const chunk: FramesChunk = { type: 'frames', start: 0, width: 1, height: 1, frames: Array.from({ length: frames }, (_, i) => new Uint8Array([i, i, i])) };
      await pool.runNode({
        definitionsModule: POOL_TEST_MODULE,
        type: 'pmix',
        nodeId: 'mix',
        params: { frameMs },
        start: 0,
        end: frames,
        info: { frames: { type: 'frames', width: 1, height: 1, fps: 25, frameCount: frames } },
        inputInfo: {},
        inputs: { frames: chunk },
        signal: new AbortController().signal,
        onProgress: (done) => steps.push(done),
      });
      return steps;
    };
    try {
      // Fast frames: a step at most every PROGRESS_STEP frames (sooner only if PROGRESS_MS passed: a cold thread's
      // first frame), the last frame always.
      const fast = await mix(14, 0);
      expect(fast.at(-1)).toBe(14);
      expect(fast.length).toBeLessThanOrEqual(5);
      fast.forEach((d, i) => expect(d - (fast[i - 1] ?? 0)).toBeGreaterThan(0));
      fast.forEach((d, i) => expect(d - (fast[i - 1] ?? 0)).toBeLessThanOrEqual(PROGRESS_STEP));
      expect(await mix(4, PROGRESS_MS + 30)).toEqual([1, 2, 3, 4]);
    } finally {
      await pool.close();
    }
  });

  it.runIf(process.platform === 'linux')('pool threads run at a lower priority than the main thread, which keeps its own', async () => {
    const main = os.getPriority(0);
    const pooled = executor(1);
    const here = executor(0);
    try {
      const a = await pooled.run(graph({ mode: 'nice', at: 0 }), { targets: ['bad'] });
      const b = await here.run(graph({ mode: 'nice', at: 0 }), { targets: ['bad'] });
      expect(a.nodes.bad.stats.nice).toBe(Math.min(19, main + THREAD_NICE_STEP));
      expect(b.nodes.bad.stats.nice).toBe(main);
      expect(os.getPriority(0)).toBe(main);
    } finally {
      await pooled.close();
      await here.close();
    }
  });

  it("a pool node's big outputs come with their frames' hashes: no digest task waits in line for them", async () => {
    // Frames of 32768x4 (384 KiB): a 16-frame chunk is 6 MiB, past what the main thread hashes itself (4 MiB).
    const wide: GraphDocument = { ...graph(), nodes: graph().nodes.map((n) => (n.id === 'src' ? { ...n, params: { frames: 40, width: 32768 } } : n)) };
    // A memory tier that keeps them: a chunk no tier keeps is not hashed at all (next test).
    const pooled = executor(2, 256 * 2 ** 20);
    const digested: string[] = [];
    const digest = NodePool.prototype.digest;
    NodePool.prototype.digest = function (this: NodePool, chunk, signal) {
      // The source (a main-thread node) fills frame i with i mod 256; the mix's frames hold other values.
      const c = chunk as FramesChunk;
      digested.push(c.frames[0][0] === c.start % 256 ? 'src' : 'mix');
      return digest.call(this, chunk, signal);
    };
    try {
      const report = await pooled.run(wide, { targets: ['mix'] });
      expect(report.nodes.mix.computedFrames).toBe(40);
      // Chunks made on the main thread are still hashed on the pool (so the spy sees calls), the mix's never.
      expect(digested).toContain('src');
      expect(digested).not.toContain('mix');
    } finally {
      NodePool.prototype.digest = digest;
      await pooled.close();
    }
  });

  it('hashes nothing a cache tier will not keep, and gives the same bytes', async () => {
    const wide: GraphDocument = { ...graph(), nodes: graph().nodes.map((n) => (n.id === 'src' ? { ...n, params: { frames: 40, width: 32768 } } : n)) };
    const hashed = async (budget: number): Promise<{ digests: number; mix: string[]; unhashed: number; runTasks: string[] }> => {
      const ex = executor(2, budget);
      let digests = 0;
      const digest = NodePool.prototype.digest;
      NodePool.prototype.digest = function (this: NodePool, chunk, signal) {
        digests++;
        return digest.call(this, chunk, signal);
      };
      // The run's tasks for the pool's threads: "<node> <frames> hashed|unhashed".
      const runTasks: string[] = [];
      const runNode = NodePool.prototype.runNode;
      NodePool.prototype.runNode = function (this: NodePool, req) {
        runTasks.push(`${req.nodeId} ${req.end - req.start} ${req.hashOutputs === false ? 'unhashed' : 'hashed'}`);
        return runNode.call(this, req);
      };
      try {
        const report = await ex.run(wide, { targets: ['mix'] });
        NodePool.prototype.runNode = runNode;
        expect(report.nodes.mix.computedFrames).toBe(40);
        expect(report.nodes.src.computedFrames).toBe(40);
        const mix: string[] = [];
        let unhashed = 0;
        for (const f of [3, 21, 39]) {
          const chunk = (await ex.preview(wide, { nodeId: 'mix', frame: f })).chunk as FramesChunk;
          for (const fr of chunk.frames) mix.push(createHash('sha256').update(fr).digest('hex'));
          // What the pool's threads did not hash as they made the frames (the mix is a pool node).
          unhashed += unhashedBytes(chunk) / chunk.frames.reduce((n, fr) => n + fr.byteLength, 0);
        }
        return { digests, mix, unhashed, runTasks };
      } finally {
        NodePool.prototype.digest = digest;
        NodePool.prototype.runNode = runNode;
        await ex.close();
      }
    };
    // No memory tier (as in anelo run): the source's 6 MiB chunks (a 'memory' node) are never hashed, the same bytes come out.
    const none = await hashed(0);
    const kept = await hashed(256 * 2 ** 20);
    expect(none.digests).toBe(0);
    expect(kept.digests).toBeGreaterThan(0);
    // Nor do the pool's threads hash the mix's frames as they make them, where they would for a tier that keeps them.
    expect(none.unhashed).toBe(3);
    expect(kept.unhashed).toBe(0);
    expect(none.mix.length).toBeGreaterThan(0);
    expect(none.mix).toEqual(kept.mix);
    // A memory tier smaller than any chunk of the run (8 or 16 frames of 384 KiB), as the server's 128 MiB is for a
    // 1080p warp chunk: the run's chunks are not hashed as they are made, the preview's one-frame chunks are (the
    // tier may keep those), and the bytes are the same.
    const small = await hashed(2 * 2 ** 20);
    expect(kept.runTasks.filter((t) => t.startsWith('mix ')).every((t) => t.endsWith(' hashed'))).toBe(true);
    expect(small.runTasks.filter((t) => t.startsWith('mix '))).toEqual(kept.runTasks.filter((t) => t.startsWith('mix ')).map((t) => t.replace(/ hashed$/, ' unhashed')));
    expect(small.digests).toBe(0);
    expect(small.unhashed).toBe(0);
    expect(small.mix).toEqual(kept.mix);
  });

  it('a node that throws in a worker fails the run with a coded error naming the node', async () => {
    const ex = executor(2);
    try {
      await expect(ex.run(graph({ mode: 'throw', at: 20 }), { targets: ['bad'] })).rejects.toMatchObject({ code: 'ANELO_E031_NODE_FAILED', where: { nodeId: 'bad' } });
    } finally {
      await ex.close();
    }
  });

  it('a node warning from a worker reaches the report and the events once per node, however many chunks warned', async () => {
    const ex = executor(2);
    const events: ExecutorEvent[] = [];
    try {
      const report = await ex.run(graph({ mode: 'warn', at: 0 }), { targets: ['bad'], onEvent: (e) => events.push(e) });
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(/^ANELO_E038_NODE_WARNING \(node bad\): frames \d+\.\.\d+ look damaged$/);
      expect(events.filter((e) => e.type === 'run-warning')).toEqual([expect.objectContaining({ nodeId: 'bad', code: 'ANELO_E038_NODE_WARNING' })]);
    } finally {
      await ex.close();
    }
  });

  it('a worker thread that dies fails the run with a coded error naming the node, and the pool goes on', async () => {
    const ex = executor(2);
    try {
      await expect(ex.run(graph({ mode: 'exit', at: 20 }), { targets: ['bad'] })).rejects.toMatchObject({ code: 'ANELO_E036_WORKER_DIED', where: { nodeId: 'bad' } });
      const after = await ex.run(graph(), { targets: ['mix'] });
      expect(after.nodes.mix.computedFrames).toBe(40);
    } finally {
      await ex.close();
    }
  });

  it('start() readies every thread with the node definitions, and fails on definitions it cannot load', async () => {
    const pool = new NodePool(2);
    try {
      await pool.start(POOL_TEST_MODULE);
      await expect(pool.start(new URL('./no-such-nodes.ts', POOL_TEST_MODULE).href)).rejects.toThrow();
      // The threads still serve the run that follows.
      const r = await pool.digest({ type: 'frames', start: 0, width: 1, height: 1, frames: [new Uint8Array(3)] });
      expect(r).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await pool.close();
    }
  });

  it('a free thread takes the waiting task ranked first (previews before runs, earlier frames first), not the oldest', async () => {
    const pool = new NodePool(1);
    const finished: string[] = [];
    const task = (name: string, priority: number, signal?: AbortSignal): Promise<unknown> => busyTask(pool, name, 50, priority, signal).then(() => finished.push(name));
    try {
      const cancel = new AbortController();
      const all = [
        task('first, on the thread', TASK_PRIORITY.run(0)),
        task('run frame 32', TASK_PRIORITY.run(32)),
        task('run frame 16', TASK_PRIORITY.run(16)),
        task('cancelled while waiting', TASK_PRIORITY.urgent, cancel.signal).catch(() => finished.push('(cancelled)')),
        task('preview frame 70', TASK_PRIORITY.preview(70)),
      ];
      cancel.abort();
      await Promise.all(all);
      expect(finished).toEqual(['(cancelled)', 'first, on the thread', 'preview frame 70', 'run frame 16', 'run frame 32']);
      // Closed while a task runs and another waits: both reject, neither is left hanging.
      const running = task('running at close', TASK_PRIORITY.run(0));
      const waiting = task('waiting at close', TASK_PRIORITY.run(16));
      const outcomes = Promise.allSettled([running, waiting]);
      await new Promise((r) => setTimeout(r, 10));
      await pool.close();
      const [ran, waited] = await outcomes;
      expect(ran).toMatchObject({ status: 'rejected', reason: { code: 'ANELO_E036_WORKER_DIED' } });
      expect(waited).toMatchObject({ status: 'rejected', reason: { code: 'ANELO_E036_WORKER_DIED', message: expect.stringContaining('the worker pool was closed') } });
    } finally {
      await pool.close();
    }
  });

  it("what piscina reports on the pool outside any task never throws: a cancelled task's late result is dropped, the rest is a warning", async () => {
    // Piscina emits these as 'error' events on the pool; unheard, an 'error' event throws from piscina's message
    // handler and ends the process (a fresh-clone CI run: a node failure cancelled its siblings, and one's result
    // came in after). The race itself cannot be timed from a test, so the events are emitted as piscina does.
    const pool = new NodePool(1);
    try {
      const piscina = await (pool as unknown as { piscina: Promise<import('piscina').Piscina> }).piscina;
      const warnings: Error[] = [];
      const onWarning = (w: Error): void => void warnings.push(w);
      process.on('warning', onWarning);
      try {
        expect(() => piscina.emit('error', new Error('Unexpected message from Worker: { taskId: 48, result: { ok: true } }'))).not.toThrow();
        expect(() => piscina.emit('error', new Error('Close timed out'))).not.toThrow();
        await new Promise((r) => setImmediate(r));
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings.map((w) => w.message)).toEqual(['worker pool: Close timed out']);
      // The pool still runs tasks.
      const out = await busyTask(pool, 'after', 1, TASK_PRIORITY.run(0));
      expect((out.outputs.frames as FramesChunk).frames).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  it('cancel stops a worker stuck in a long computation at once', async () => {
    const ex = executor(2);
    const controller = new AbortController();
    try {
      const run = ex.run(graph({ mode: 'spin', at: 20 }), { targets: ['bad'], signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      const t0 = Date.now();
      await expect(run).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      await ex.close();
    }
  });
});
