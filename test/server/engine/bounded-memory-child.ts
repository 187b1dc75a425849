/**
 * Run by bounded-memory.test.ts under `node --expose-gc`: a source whose frames are tracked by weak references, a
 * temporal node and a sink that, after pulling every chunk, collects garbage and prints how many source frames are
 * still alive. A run that holds on to what it computed keeps them all; a bounded one keeps a few chunks at most.
 */
import { Type } from '@sinclair/typebox';
import { defineNode, type AnyNodeDefinition, type FramesChunk } from '../../../nodes/core/types.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { Executor } from '../../../server/engine/executor.ts';
import { TEST_NODES } from './test-nodes.ts';

const frames = Number(process.argv[2]);
const workers = Number(process.argv[3] ?? 0);
/** Side of the square frames: 512 makes chunks big enough that the pool hashes them (shared memory). */
const side = Number(process.argv[4] ?? 128);
/**
 * Memory tier budget in MiB: with one that keeps a chunk, chunks are hashed (on the pool for big ones); with none (as
 * in `anelo run`) a 'memory' node's chunks are not hashed at all.
 */
const budgetMB = Number(process.argv[5] ?? 0);
const alive: WeakRef<Uint8Array>[] = [];

const bigRamp = defineNode({
  type: 'big-ramp',
  version: 1,
  label: 'Ramp',
  category: 'input',
  description: 'square frames, each tracked',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async () => ({ frames: { type: 'frames', width: side, height: side, fps: 25, frameCount: frames } }),
  async run(ctx) {
    const out: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) {
      const f = new Uint8Array(side * side * 4).fill(i % 256).subarray(0, side * side * 3);
      alive.push(new WeakRef(f));
      out.push(f);
    }
    return { frames: { type: 'frames', start: ctx.start, width: side, height: side, frames: out } };
  },
});

const probe = defineNode({
  type: 'probe-sink',
  version: 1,
  label: 'Probe',
  category: 'output',
  description: 'pulls everything, then counts live source frames',
  inputs: [{ name: 'video', types: ['frames'] }],
  outputs: [],
  params: Type.Object({}),
  cache: 'none',
  info: async () => ({}),
  async sink(ctx) {
    let n = 0;
    for await (const c of ctx.pull('video')) n += (c as FramesChunk).frames.length;
    (globalThis as { gc?: () => void }).gc!();
    await new Promise((r) => setTimeout(r, 10));
    (globalThis as { gc?: () => void }).gc!();
    process.stdout.write(`${JSON.stringify({ pulled: n, alive: alive.filter((r) => r.deref()).length, arrayBuffersMB: Math.round(process.memoryUsage().arrayBuffers / 2 ** 20) })}\n`);
    return { path: ctx.outputPath, frames: n };
  },
});

const ex = new Executor({
  services: { media: {} as never },
  cache: new ChunkCache({ diskDir: null, memoryBudgetBytes: budgetMB * 2 ** 20 }),
  definitions: [...TEST_NODES, bigRamp, probe] as unknown as AnyNodeDefinition[],
  workers,
});
const at = { x: 0, y: 0 };
await ex.run(
  {
    schemaVersion: 1,
    nodes: [
      { id: 'src', type: 'big-ramp', params: {}, position: at },
      { id: 'blur', type: 'tblur', params: {}, position: at },
      { id: 'out', type: 'probe-sink', params: {}, position: at },
    ],
    edges: [
      { source: 'src', sourcePort: 'frames', target: 'blur', targetPort: 'frames' },
      { source: 'blur', sourcePort: 'frames', target: 'out', targetPort: 'video' },
    ],
  },
  { outputs: { out: '(none)' } },
);
await ex.close();
