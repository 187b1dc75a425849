import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { defineNode, type AnyNodeDefinition, type MediaService } from '../../../nodes/core/types.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { Executor } from '../../../server/engine/executor.ts';
import { PreviewSlots } from '../../../server/engine/preview-slots.ts';

describe('PreviewSlots', () => {
  it('grants `size` slots at once, then one per release, first come first served', async () => {
    const slots = new PreviewSlots(2);
    const never = new AbortController().signal;
    const a = await slots.acquire(never, 'n');
    const b = await slots.acquire(never, 'n');
    const order: string[] = [];
    const c = slots.acquire(never, 'n').then((r) => (order.push('c'), r));
    const d = slots.acquire(never, 'n').then((r) => (order.push('d'), r));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    expect(slots.queued).toBe(2);
    a();
    a(); // a second release of the same slot frees nothing more
    (await c)();
    expect(order).toEqual(['c']);
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    // Every slot is free again: two at once without waiting.
    (await slots.acquire(never, 'n'))();
    (await slots.acquire(never, 'n'))();
  });

  it('a waiting preview that is cancelled rejects at once with E030 and leaves the queue', async () => {
    const slots = new PreviewSlots(1);
    const release = await slots.acquire(new AbortController().signal, 'warp');
    const ac = new AbortController();
    const waiting = slots.acquire(ac.signal, 'warp');
    const next = slots.acquire(new AbortController().signal, 'smooth');
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED', where: { nodeId: 'warp' } });
    expect(slots.queued).toBe(1);
    release();
    (await next)();
    const gone = new AbortController();
    gone.abort();
    await expect(slots.acquire(gone.signal, 'warp')).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
  });

  it('refuses a size that is not a whole number >= 1', () => {
    expect(() => new PreviewSlots(0)).toThrow(expect.objectContaining({ code: 'ANELO_E050_BAD_ARGUMENT' }));
    expect(() => new PreviewSlots(1.5)).toThrow(expect.objectContaining({ code: 'ANELO_E050_BAD_ARGUMENT' }));
  });
});

/** A source whose chunks take 30 ms of waiting, counting how many compute at once. */
let running = 0;
let most = 0;
const slow = defineNode({
  type: 'slow',
  version: 1,
  label: 'Slow',
  category: 'input',
  description: 'frame i is filled with i; each chunk takes 30 ms',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async () => ({ frames: { type: 'frames', width: 2, height: 2, fps: 25, frameCount: 200 } }),
  async run(ctx) {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 30));
    running--;
    const frames: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) frames.push(new Uint8Array(12).fill(i));
    return { frames: { type: 'frames', start: ctx.start, width: 2, height: 2, frames } };
  },
});
const graph: GraphDocument = { schemaVersion: 1, nodes: [{ id: 'src', type: 'slow', params: {}, position: { x: 0, y: 0 } }], edges: [] };

describe('Executor previews', () => {
  it('compute at most maxConcurrentPreviews at once; the rest wait their turn and all get their frame', async () => {
    const ex = new Executor({
      services: { media: {} as MediaService },
      cache: new ChunkCache({ diskDir: null }),
      definitions: [slow] as unknown as AnyNodeDefinition[],
      workers: 0,
      maxConcurrentPreviews: 2,
    });
    running = 0;
    most = 0;
    try {
      // Eight previews at frames in eight different chunks, asked for together.
      const frames = [0, 20, 40, 60, 80, 100, 120, 140];
      const got = await Promise.all(frames.map((frame) => ex.preview(graph, { nodeId: 'src', frame })));
      expect(got.map((p) => (p.chunk as { frames: Uint8Array[] }).frames[0][0])).toEqual(frames);
      expect(most).toBe(2);
      // A preview cancelled while it waits fails with E030 and computes nothing.
      const ac = new AbortController();
      const busy = [ex.preview(graph, { nodeId: 'src', frame: 160 }), ex.preview(graph, { nodeId: 'src', frame: 180 })];
      const cancelled = ex.preview(graph, { nodeId: 'src', frame: 199, signal: ac.signal });
      ac.abort();
      await expect(cancelled).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
      await Promise.all(busy);
    } finally {
      await ex.close();
    }
  });
});
