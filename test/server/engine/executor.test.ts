import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { FramesChunk, MediaService } from '../../../nodes/core/types.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import type { ExecutorEvent } from '../../../nodes/core/events.ts';
import { Executor } from '../../../server/engine/executor.ts';
import { TASK_PRIORITY } from '../../../server/engine/pool/node-pool.ts';
import { calls, computed, priorities, resetCounts, TEST_NODES } from './test-nodes.ts';

const services = { media: {} as MediaService };
const at = (x = 0, y = 0) => ({ x, y });

function chain(ids = ['src', 'q', 'blur'], params: { gain?: number; step?: number } = {}): GraphDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: ids[0], type: 'ramp', params: { frames: 64, gain: params.gain ?? 1 }, position: at() },
      { id: ids[1], type: 'quantize', params: { step: params.step ?? 1 }, position: at(200) },
      { id: ids[2], type: 'tblur', params: {}, position: at(400) },
    ],
    edges: [
      { source: ids[0], sourcePort: 'frames', target: ids[1], targetPort: 'frames' },
      { source: ids[1], sourcePort: 'frames', target: ids[2], targetPort: 'frames' },
    ],
  };
}

function executor(cache = new ChunkCache({ diskDir: null }), chunkSize = 16): Executor {
  return new Executor({ services, cache, chunkSize, definitions: TEST_NODES });
}

async function frameValue(ex: Executor, g: GraphDocument, nodeId: string, frame: number): Promise<number> {
  const { chunk } = await ex.preview(g, { nodeId, frame });
  return (chunk as FramesChunk).frames[0][0];
}

beforeEach(resetCounts);

describe('executor cache keys', () => {
  it('a pass that caches no frames (the editor\'s scene cuts) leaves a preview made before it cached, and caches no frames', async () => {
    const ex = executor();
    const g = chain();
    expect(await frameValue(ex, g, 'blur', 20)).toBeGreaterThan(0);
    resetCounts();
    // The whole clip through src and q, as the editor's scene-cut pass goes through decode: nothing of it is kept.
    await ex.run(g, { targets: ['q'], cacheFrames: false });
    expect(computed).toEqual({ ramp: 64, quantize: 64 });
    resetCounts();
    const again = await ex.preview(g, { nodeId: 'blur', frame: 20 });
    expect(again.computed).toEqual({});
    const rerun = await ex.run(g, { targets: ['q'] });
    expect(rerun.nodes.q.computedFrames).toBe(64);
  });

  it('node ids, positions and param order never change a key: a renamed, moved graph is all cached', async () => {
    const ex = executor();
    await ex.run(chain(), { targets: ['blur'] });
    const renamed = chain(['a', 'b', 'c']);
    renamed.nodes.forEach((n, i) => (n.position = at(i * 13, 99)));
    renamed.nodes[0].params = { gain: 1, frames: 64 };
    resetCounts();
    const report = await ex.run(renamed, { targets: ['c'] });
    expect(computed).toEqual({});
    expect(report.nodes.c).toMatchObject({ status: 'cached', computedFrames: 0 });
  });

  it('identical branches share work', async () => {
    const g = chain();
    const twin = chain(['src2', 'q2', 'blur2']);
    const both: GraphDocument = { schemaVersion: 1, nodes: [...g.nodes, ...twin.nodes], edges: [...g.edges, ...twin.edges] };
    const report = await executor().run(both, { targets: ['blur', 'blur2'] });
    expect(computed).toEqual({ ramp: 64, quantize: 64, tblur: 64 });
    expect(report.nodes.blur2.status).toBe('cached');
  });

  it('changing a param recomputes that node and what depends on it, never what is upstream', async () => {
    const ex = executor();
    await ex.run(chain(), { targets: ['blur'] });
    resetCounts();
    const report = await ex.run(chain(undefined, { step: 2 }), { targets: ['blur'] });
    expect(computed).toEqual({ quantize: 64, tblur: 64 });
    expect(report.nodes.src).toMatchObject({ status: 'cached', computedFrames: 0 });
    expect(await frameValue(ex, chain(undefined, { step: 2 }), 'blur', 5)).toBe(4 + 4 + 6);
  });

  it('early cutoff: a node that recomputes to identical bytes stops the wave', async () => {
    const ex = executor();
    // gain 16 makes every value a multiple of 16, so step 4 and step 8 give the same bytes.
    await ex.run(chain(undefined, { gain: 16, step: 4 }), { targets: ['blur'] });
    resetCounts();
    const report = await ex.run(chain(undefined, { gain: 16, step: 8 }), { targets: ['blur'] });
    expect(computed).toEqual({ quantize: 64 });
    expect(report.nodes.blur).toMatchObject({ status: 'cached', computedFrames: 0 });
  });
});

describe('where computations stand in line for shared threads', () => {
  it("hands each its rank: a preview's before any run's, earlier frames first (depth's threads serve them so)", async () => {
    const ex = executor();
    await ex.run(chain(), { targets: ['blur'], frames: { start: 0, end: 48 } });
    // Frame 48 too: the blur's window reaches one frame past the range.
    expect(priorities.ramp).toEqual([0, 16, 32, 48].map((a) => TASK_PRIORITY.run(a)));
    await frameValue(ex, chain(['src', 'q', 'blur'], { gain: 3 }), 'src', 40);
    expect(priorities.ramp.at(-1)).toBe(TASK_PRIORITY.preview(40));
    expect(TASK_PRIORITY.preview(40)).toBeLessThan(TASK_PRIORITY.run(0));
  });
});

describe('info-only inputs', () => {
  /** src → q, and stamp reading src's frames and q only for its size. */
  function stamped(step: number): GraphDocument {
    const g = chain(['src', 'q', 'blur'], { step });
    g.nodes.push({ id: 'stamp', type: 'stamp', params: {}, position: at(400, 200) });
    g.edges.push({ source: 'src', sourcePort: 'frames', target: 'stamp', targetPort: 'frames' }, { source: 'q', sourcePort: 'frames', target: 'stamp', targetPort: 'like' });
    return g;
  }

  it('computes nothing upstream for an input read only for its size, in runs and previews', async () => {
    const ex = executor();
    const report = await ex.run(stamped(1), { targets: ['stamp'] });
    expect(computed).toEqual({ ramp: 64, stamp: 64 });
    expect(report.nodes.q).toBeUndefined();
    resetCounts();
    const { computed: counts } = await executor().preview(stamped(1), { nodeId: 'stamp', frame: 6 });
    expect(counts).toEqual({ src: 1, stamp: 1 });
    expect(computed).toEqual({ ramp: 1, stamp: 1 });
  });

  it('keeps the node cached when that input changes content but not size', async () => {
    const ex = executor();
    await ex.run(stamped(1), { targets: ['stamp', 'blur'] });
    resetCounts();
    const report = await ex.run(stamped(2), { targets: ['stamp', 'blur'] });
    expect(computed).toEqual({ quantize: 64, tblur: 64 });
    expect(report.nodes.stamp).toMatchObject({ status: 'cached', computedFrames: 0 });
  });
});

describe('executor streaming', () => {
  it('cuts big frames into shorter chunks: 16 frames up to 1920x1080, 8 at side-by-side 1080p, 4 at 4K, 2 at side-by-side 4K', async () => {
    const ex = new Executor({ services, cache: new ChunkCache({ diskDir: null }), definitions: TEST_NODES, workers: 0 });
    const sized = (width: number, height: number): GraphDocument => ({
      schemaVersion: 1,
      nodes: [
        { id: 'src', type: 'sized', params: { frames: 24, width, height }, position: at() },
        { id: 'blur', type: 'tblur', params: {}, position: at(200) },
      ],
      edges: [{ source: 'src', sourcePort: 'frames', target: 'blur', targetPort: 'frames' }],
    });
    const piecesAt = async (width: number, height: number): Promise<[number, number][]> => {
      resetCounts();
      const report = await ex.run(sized(width, height), { targets: ['blur'] });
      expect(report.nodes.src.computedFrames).toBe(24);
      return calls.sized;
    };
    expect(await piecesAt(640, 272)).toEqual([[0, 16], [16, 24]]);
    expect(await piecesAt(1920, 1080)).toEqual([[0, 16], [16, 24]]);
    expect(await piecesAt(3840, 1080)).toEqual([[0, 8], [8, 16], [16, 24]]);
    expect(await piecesAt(3840, 2160)).toEqual([[0, 4], [4, 8], [8, 12], [12, 16], [16, 20], [20, 24]]);
    expect((await piecesAt(7680, 2160)).length).toBe(12);
    expect((await piecesAt(7680, 4320)).length).toBe(24);
    expect((await piecesAt(15360, 4320)).length).toBe(24);
    // A preview of a big frame computes its window from the same chunks a run caches.
    const fresh = new Executor({ services, cache: new ChunkCache({ diskDir: null }), definitions: TEST_NODES, workers: 0 });
    await fresh.run(sized(7680, 2160), { targets: ['src'], frames: { start: 4, end: 8 } });
    const preview = await fresh.preview(sized(7680, 2160), { nodeId: 'blur', frame: 6 });
    expect(preview.computed).toEqual({ blur: 1 });
  });

  it('a preview computes the requested frame only, and its window upstream of a temporal node', async () => {
    const ex = executor();
    const result = await ex.preview(chain(), { nodeId: 'blur', frame: 40 });
    expect((result.chunk as FramesChunk).frames[0][0]).toBe(39 + 40 + 41);
    expect(computed).toEqual({ ramp: 3, quantize: 3, tblur: 1 });
    expect(result.computed).toEqual({ src: 3, q: 3, blur: 1 });
  });

  it('a preview reuses the chunks a run left in the cache, and the next frame of a computed chunk is free', async () => {
    const ex = executor();
    await ex.run(chain(), { targets: ['q'], frames: { start: 32, end: 48 } });
    resetCounts();
    const result = await ex.preview(chain(), { nodeId: 'blur', frame: 40 });
    expect(result.computed).toEqual({ blur: 1 });
    await ex.run(chain(), { targets: ['blur'] });
    resetCounts();
    const again = await ex.preview(chain(), { nodeId: 'blur', frame: 41 });
    expect(again).toMatchObject({ cached: true, computed: {} });
    expect(computed).toEqual({});
  });

  it('a preview asks for a source\'s pieces in frame order, whichever reader asks first (one decoder, no seek back)', async () => {
    // pair reads q (no window) before blur (a frame either side): q asks for src's piece holding frame 16 first,
    // blur also for frame 15, in the chunk before.
    const g: GraphDocument = {
      schemaVersion: 1,
      nodes: [
        { id: 'src', type: 'ramp', params: { frames: 64, gain: 1 }, position: at() },
        { id: 'q', type: 'quantize', params: { step: 1 }, position: at(200) },
        { id: 'blur', type: 'tblur', params: {}, position: at(200, 200) },
        { id: 'pair', type: 'pair', params: {}, position: at(400) },
      ],
      edges: [
        { source: 'src', sourcePort: 'frames', target: 'q', targetPort: 'frames' },
        { source: 'src', sourcePort: 'frames', target: 'blur', targetPort: 'frames' },
        { source: 'q', sourcePort: 'frames', target: 'pair', targetPort: 'a' },
        { source: 'blur', sourcePort: 'frames', target: 'pair', targetPort: 'b' },
      ],
    };
    const result = await executor().preview(g, { nodeId: 'pair', frame: 16 });
    expect((result.chunk as FramesChunk).frames[0][0]).toBe(16 + 15 + 16 + 17);
    expect(calls.ramp).toEqual([
      [15, 16],
      [16, 18],
    ]);
  });

  it('a run calls a source\'s run in frame order when its cache lookups finish out of order (one decoder, no seek)', async () => {
    // The first lookups answer last, as a disk under load does: each source piece still starts reading only after
    // the one before it has, so a decoder read continues the one before instead of seeking with its own.
    class SlowFirstLookups extends ChunkCache {
      private n = 0;
      override async getAction(key: string, persistent: boolean) {
        const delay = Math.max(0, 4 - this.n++) * 30;
        await new Promise((r) => setTimeout(r, delay));
        return super.getAction(key, persistent);
      }
    }
    const report = await executor(new SlowFirstLookups({ diskDir: null })).run(chain(), { targets: ['blur'] });
    expect(report.nodes.src.computedFrames).toBe(64);
    expect(calls.ramp).toEqual([
      [0, 16],
      [16, 32],
      [32, 48],
      [48, 64],
    ]);
  });

  it('temporal results do not depend on chunk boundaries', async () => {
    const a = executor(undefined, 16);
    const b = executor(undefined, 7);
    for (const f of [0, 6, 7, 15, 16, 63]) {
      expect(await frameValue(b, chain(), 'blur', f)).toBe(await frameValue(a, chain(), 'blur', f));
    }
  });

  it('computes a node that asks for longer pieces in whole chunks of at least that many frames, with the same frames', async () => {
    const long = chain();
    long.nodes[2].type = 'tblur-long';
    const ex = executor(new ChunkCache({ diskDir: null, memoryBudgetBytes: 0 }), 8);
    await ex.run(long, { targets: ['blur'], frames: { start: 5, end: 64 } });
    // At least 30 frames: pieces of 4 x 8 on their own grid (the first cut short at the range), upstream still once
    // per frame.
    expect(calls['tblur-long']).toEqual([
      [5, 32],
      [32, 64],
    ]);
    expect(computed).toEqual({ ramp: 60, quantize: 60, tblur: 59 });
    const plain = executor(undefined, 8);
    for (const f of [5, 31, 32, 33, 63]) expect(await frameValue(ex, long, 'blur', f)).toBe(await frameValue(plain, chain(), 'blur', f));
    // Shorter chunks (big frames), the same length in frames: 6 x 5.
    resetCounts();
    const short = executor(new ChunkCache({ diskDir: null, memoryBudgetBytes: 0 }), 5);
    await short.run(long, { targets: ['blur'], frames: { start: 5, end: 64 } });
    expect(calls['tblur-long']).toEqual([
      [5, 30],
      [30, 60],
      [60, 64],
    ]);
    for (const f of [5, 29, 30, 59, 60, 63]) expect(await frameValue(short, long, 'blur', f)).toBe(await frameValue(plain, chain(), 'blur', f));
  });

  it('computes every chunk exactly once when the memory budget is smaller than one chunk', async () => {
    const ex = executor(new ChunkCache({ diskDir: null, memoryBudgetBytes: 100 }));
    const report = await ex.run(chain(), { targets: ['blur'] });
    expect(computed).toEqual({ ramp: 64, quantize: 64, tblur: 64 });
    expect(report.nodes.q).toMatchObject({ computedFrames: 64, cacheHits: 0 });
    expect(await frameValue(ex, chain(), 'blur', 63)).toBe(62 + 63 + 63);
  });

  it('computes every chunk exactly once with a zero budget and chunks of 5 frames around a temporal window', async () => {
    const ex = executor(new ChunkCache({ diskDir: null, memoryBudgetBytes: 0 }), 5);
    await ex.run(chain(), { targets: ['blur'], frames: { start: 7, end: 41 } });
    // Frames [7,41) of blur, no more (edge pieces are cut short), and one frame further each way of its inputs.
    expect(computed).toEqual({ ramp: 36, quantize: 36, tblur: 34 });
  });

  it('hands a non-sink target its output chunk by chunk, in order, covering exactly the range', async () => {
    const got: [string, string, number, number][] = [];
    await executor(new ChunkCache({ diskDir: null }), 5).run(chain(), {
      targets: ['blur'],
      frames: { start: 7, end: 41 },
      onOutput: (id, port, c) => got.push([id, port, c.start, c.type === 'cuts' ? c.flags.length : c.frames.length]),
    });
    expect(got.every(([id, port]) => id === 'blur' && port === 'frames')).toBe(true);
    let next = 7;
    for (const [, , start, n] of got) {
      expect(start).toBe(next);
      next += n;
    }
    expect(next).toBe(41);
  });

  it('renders a range that ends past the input up to its last frame, and says so in the report and the events', async () => {
    const events: ExecutorEvent[] = [];
    const r = await executor().run(chain(), { targets: ['blur'], frames: { start: 40, end: 100 }, onEvent: (e) => events.push(e) });
    expect(r.frames).toEqual({ start: 40, end: 64 });
    expect(r.nodes.blur.computedFrames).toBe(24);
    expect(r.warnings).toEqual(["ANELO_E033_FRAME_OUT_OF_RANGE: frames 40:100 end past the input's 64 frames: rendering 40:64"]);
    const warning = events.findIndex((e) => e.type === 'run-warning');
    expect(events[warning]).toMatchObject({ code: 'ANELO_E033_FRAME_OUT_OF_RANGE' });
    expect(warning).toBeGreaterThan(events.findIndex((e) => e.type === 'run-start'));
    // A range inside the input, to its very end, says nothing.
    expect((await executor().run(chain(), { targets: ['blur'], frames: { start: 40, end: 64 } })).warnings).toEqual([]);
  });

  it('reports progress that never goes back, for every node, up to its total', async () => {
    const events: ExecutorEvent[] = [];
    await executor(new ChunkCache({ diskDir: null, memoryBudgetBytes: 0 })).run(chain(), { targets: ['blur'], onEvent: (e) => events.push(e) });
    for (const id of ['src', 'q', 'blur']) {
      const steps = events.filter((e) => e.type === 'node-progress' && e.nodeId === id) as Extract<ExecutorEvent, { type: 'node-progress' }>[];
      expect(steps.at(-1)).toMatchObject({ done: 64, total: 64 });
      for (let i = 1; i < steps.length; i++) expect(steps[i].done).toBeGreaterThan(steps[i - 1].done);
      const done = events.findIndex((e) => e.type === 'node-done' && e.nodeId === id);
      expect(done).toBeGreaterThan(events.indexOf(steps.at(-1)!));
    }
  });

  it('reports events in order: run-start first, node-cached for hits, run-done last', async () => {
    const ex = executor();
    await ex.run(chain(), { targets: ['blur'] });
    const events: ExecutorEvent[] = [];
    await ex.run(chain(), { targets: ['blur'], onEvent: (e) => events.push(e) });
    expect(events[0].type).toBe('run-start');
    expect(events.at(-1)!.type).toBe('run-done');
    // 4 chunks of each of the 3 nodes: upstream keys are resolved from the action cache, no data loaded.
    expect(events.filter((e) => e.type === 'node-cached').length).toBe(12);
    const done = events.filter((e) => e.type === 'node-done').map((e) => (e as { nodeId: string }).nodeId);
    expect(done.sort()).toEqual(['blur', 'q', 'src']);
    // A node fed from the cache is reported cached before it is started, so no client ever shows it running.
    for (const id of ['src', 'q', 'blur']) {
      const cached = events.findIndex((e) => e.type === 'node-cached' && e.nodeId === id);
      const started = events.findIndex((e) => e.type === 'node-start' && e.nodeId === id);
      expect(cached).toBeGreaterThanOrEqual(0);
      expect(cached).toBeLessThan(started);
    }
  });

  it('cancel stops the run with a coded error and a run-error event', async () => {
    const controller = new AbortController();
    const events: ExecutorEvent[] = [];
    const run = executor().run(chain(), {
      targets: ['blur'],
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'node-progress' && e.nodeId === 'blur') controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
    expect(computed.tblur).toBeLessThan(64);
    expect(events.at(-1)).toMatchObject({ type: 'run-error', code: 'ANELO_E030_CANCELLED' });
  });
});

describe('disk tier', () => {
  it('survives a new process: a fresh executor on the same cache dir computes nothing for disk nodes', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cache-'));
    await executor(new ChunkCache({ diskDir: dir })).run(chain(), { targets: ['src'] });
    resetCounts();
    const report = await executor(new ChunkCache({ diskDir: dir })).run(chain(), { targets: ['blur'] });
    expect(computed.ramp).toBeUndefined();
    expect(report.nodes.src).toMatchObject({ status: 'cached', computedFrames: 0 });
  });

  it('a node whose cached bytes are gone (pruned) reports done only once it has computed them again', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cache-'));
    await executor(new ChunkCache({ diskDir: dir })).run(chain(), { targets: ['src'] });
    // The action entries stay; every blob goes, as the disk budget lets a long render's decoded frames go first.
    await fs.rm(path.join(dir, 'cas'), { recursive: true });
    resetCounts();
    const events: ExecutorEvent[] = [];
    const report = await executor(new ChunkCache({ diskDir: dir })).run(chain(), { targets: ['blur'], onEvent: (e) => events.push(e) });
    expect(computed.ramp).toBe(64);
    const src = events.filter((e) => 'nodeId' in e && e.nodeId === 'src');
    const done = src.findIndex((e) => e.type === 'node-done');
    expect(done).toBe(src.length - 1);
    expect(src[done]).toMatchObject({ type: 'node-done', computedFrames: 64 });
    expect(src.some((e) => e.type === 'node-cached')).toBe(false);
    expect(report.nodes.src).toMatchObject({ status: 'ran', computedFrames: 64 });
  });

  it('a node whose cached bytes are gone but whose readers are all cached is not run: its digests key them', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cache-'));
    const quantizeOnDisk = { ...TEST_NODES.find((d) => d.type === 'quantize')!, type: 'quantize-disk', cache: 'disk' as const };
    const defs = [...TEST_NODES, quantizeOnDisk];
    const g: GraphDocument = {
      schemaVersion: 1,
      nodes: [
        { id: 'src', type: 'ramp', params: { frames: 64, gain: 1 }, position: at() },
        { id: 'q', type: 'quantize-disk', params: { step: 2 }, position: at(200) },
      ],
      edges: [{ source: 'src', sourcePort: 'frames', target: 'q', targetPort: 'frames' }],
    };
    const fresh = () => new Executor({ services, cache: new ChunkCache({ diskDir: dir }), chunkSize: 16, definitions: defs, workers: 0 });
    await fresh().run(g, { targets: ['q'] });
    // Only the source's chunks go (the cluster's cut search never writes decoded frames at all).
    for (const sub of await fs.readdir(path.join(dir, 'actions'))) {
      for (const f of await fs.readdir(path.join(dir, 'actions', sub))) {
        const { entry } = JSON.parse(await fs.readFile(path.join(dir, 'actions', sub, f), 'utf8')) as { entry: { nodeType: string; digests: Record<string, string> } };
        if (entry.nodeType === 'ramp') for (const d of Object.values(entry.digests)) await fs.rm(path.join(dir, 'cas', d.slice(0, 2), d));
      }
    }
    expect((await fs.readdir(path.join(dir, 'cas'), { recursive: true })).filter((f) => f.length > 2)).toHaveLength(4);
    resetCounts();
    const events: ExecutorEvent[] = [];
    const report = await fresh().run(g, { targets: ['q'], onEvent: (e) => events.push(e) });
    expect(computed).toEqual({});
    expect(report.nodes.src).toMatchObject({ status: 'cached', computedFrames: 0 });
    expect(report.nodes.q).toMatchObject({ status: 'cached', computedFrames: 0 });
    const src = events.filter((e) => 'nodeId' in e && e.nodeId === 'src').map((e) => e.type);
    expect(src.filter((t) => t === 'node-cached')).toHaveLength(4);
    expect(src.at(-1)).toBe('node-done');
  });

  it('drops a truncated or corrupted entry and recomputes it, never returning bad bytes', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cache-'));
    await executor(new ChunkCache({ diskDir: dir })).run(chain(), { targets: ['src'] });
    const blobs: string[] = [];
    for (const sub of await fs.readdir(path.join(dir, 'cas'))) for (const f of await fs.readdir(path.join(dir, 'cas', sub))) blobs.push(path.join(dir, 'cas', sub, f));
    expect(blobs.length).toBe(4);
    await fs.truncate(blobs[0], 10);
    const bytes = await fs.readFile(blobs[1]);
    bytes[bytes.length - 1] ^= 0xff;
    await fs.writeFile(blobs[1], bytes);
    const warnings: string[] = [];
    const ex = executor(new ChunkCache({ diskDir: dir, onWarning: (w) => warnings.push(w.kind) }));
    resetCounts();
    const told: string[] = [];
    for (let f = 0; f < 64; f += 9) {
      const { chunk } = await ex.preview(chain(), { nodeId: 'src', frame: f, onEvent: (e) => e.type === 'run-warning' && told.push(`${f} ${e.code}: ${e.message}`) });
      expect((chunk as FramesChunk).frames[0][0]).toBe(f);
    }
    // Four of the frames lie in the two damaged 16-frame chunks: each of those previews computes its one frame again.
    expect(computed.ramp).toBe(4);
    expect(warnings).toEqual(['corrupt', 'corrupt']);
    // The previews that met them say so, naming the file (the first in each damaged chunk: the entry is gone after).
    const dropped = /^\d+ ANELO_E037_CACHE_TROUBLE: cache read failed, computing instead: dropped corrupt cache entry \(content does not match its digest\): .*cas\/[0-9a-f]{2}\/[0-9a-f]{64}$/;
    expect(told).toEqual([expect.stringMatching(dropped), expect.stringMatching(dropped)]);
  });
});

describe('bypass', () => {
  it('a bypassed node passes its input through for runs and previews alike, as a saved graph says', async () => {
    const g = chain(undefined, { step: 4 });
    expect(await frameValue(executor(), g, 'blur', 5)).toBe(4 + 4 + 4);
    g.nodes[1].bypass = true;
    resetCounts();
    expect(await frameValue(executor(), g, 'blur', 5)).toBe(4 + 5 + 6);
    const report = await executor().run(g, { targets: ['blur'] });
    expect(computed.quantize).toBeUndefined();
    expect(report.nodes.q).toBeUndefined();
  });
});

describe('cache trouble', () => {
  it('a cache entry that cannot be read is a miss and one warning for the whole run, never a failure', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cache-'));
    await executor(new ChunkCache({ diskDir: dir })).run(chain(), { targets: ['src'] });
    // Every blob becomes a folder: each read fails with EISDIR.
    for (const sub of await fs.readdir(path.join(dir, 'cas'))) {
      for (const f of await fs.readdir(path.join(dir, 'cas', sub))) {
        const file = path.join(dir, 'cas', sub, f);
        await fs.rm(file);
        await fs.mkdir(file);
      }
    }
    resetCounts();
    const events: ExecutorEvent[] = [];
    const report = await executor(new ChunkCache({ diskDir: dir })).run(chain(), { targets: ['blur'], onEvent: (e) => events.push(e) });
    expect(computed).toEqual({ ramp: 64, quantize: 64, tblur: 64 });
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/^ANELO_E037_CACHE_TROUBLE: cache read failed/);
    expect(events.filter((e) => e.type === 'run-warning')).toHaveLength(1);
  });
});

describe('disk budget', () => {
  it('prunes least recently used blobs down to the budget, keeping what was just read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cache-'));
    const cache = new ChunkCache({ diskDir: dir, diskBudgetBytes: 0 });
    await executor(cache).run(chain(), { targets: ['src'] });
    const blobs = async () => {
      const out: string[] = [];
      for (const sub of await fs.readdir(path.join(dir, 'cas'))) for (const f of await fs.readdir(path.join(dir, 'cas', sub))) out.push(f);
      return out;
    };
    // The run pruned right after it finished: a budget of 0 leaves nothing.
    expect(await blobs()).toEqual([]);

    const roomy = new ChunkCache({ diskDir: dir, diskBudgetBytes: 10 * 2 ** 20 });
    await executor(roomy).run(chain(undefined, { gain: 3 }), { targets: ['src'] });
    const all = await blobs();
    expect(all.length).toBe(4);
    const old = new Date(Date.now() - 60_000);
    for (const sub of await fs.readdir(path.join(dir, 'cas'))) for (const f of await fs.readdir(path.join(dir, 'cas', sub))) await fs.utimes(path.join(dir, 'cas', sub, f), old, old);
    resetCounts();
    // Reading frame 40 touches its chunk (chunk 2): it becomes the most recently used.
    expect(await frameValue(executor(new ChunkCache({ diskDir: dir })), chain(undefined, { gain: 3 }), 'src', 40)).toBe(120);
    expect(computed.ramp).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    const size = (await fs.stat(path.join(dir, 'cas', all[0].slice(0, 2), all[0]))).size;
    const result = await roomy.disk!.prune(size + 10);
    expect(result.removed).toBe(3);
    resetCounts();
    expect(await frameValue(executor(new ChunkCache({ diskDir: dir })), chain(undefined, { gain: 3 }), 'src', 40)).toBe(120);
    expect(computed.ramp).toBeUndefined();
  });
});
