/**
 * Node types for the worker-pool tests. Worker threads import this module by URL, so its nodes run there exactly as
 * shipped nodes do; `pfail` can throw, kill its thread or spin until cancelled.
 */
import os from 'node:os';
import { Type } from '@sinclair/typebox';
import { defineNode, type AnyNodeDefinition, type FramesChunk } from '../../../../nodes/core/types.ts';

const W = 8;
const H = 4;

const pramp = defineNode({
  type: 'pramp',
  version: 1,
  label: 'Ramp',
  category: 'input',
  description: 'frame i is filled with i mod 256',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({ frames: Type.Integer({ default: 40, minimum: 1 }), width: Type.Integer({ default: W, minimum: 1 }) }),
  cache: 'memory',
  info: async (ctx) => ({ frames: { type: 'frames', width: ctx.params.width, height: H, fps: 25, frameCount: ctx.params.frames } }),
  async run(ctx) {
    const frames: Uint8Array[] = [];
    const w = ctx.params.width;
    for (let i = ctx.start; i < ctx.end; i++) frames.push(new Uint8Array(w * H * 3).fill(i % 256));
    return { frames: { type: 'frames', start: ctx.start, width: w, height: H, frames } };
  },
});

/**
 * out[i] = 255 - (in[i-1] + in[i] + in[i+1]) / 3: a temporal pool node, reporting progress per frame (and taking at
 * least `frameMs` a frame, for a slow node's progress).
 */
const pmix = defineNode({
  type: 'pmix',
  version: 1,
  label: 'Mix',
  category: 'temporal',
  description: 'inverted mean of each frame and its neighbours',
  inputs: [{ name: 'frames', types: ['frames'] }],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({ frameMs: Type.Integer({ default: 0, minimum: 0 }) }),
  cache: 'memory',
  threads: 'pool',
  window: () => ({ before: 1, after: 1 }),
  info: async (ctx) => ({ frames: ctx.inputs.frames! }),
  async run(ctx) {
    const src = ctx.inputs.frames as FramesChunk;
    const last = src.start + src.frames.length - 1;
    const at = (i: number) => src.frames[Math.min(Math.max(i, src.start), last) - src.start];
    const frames: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) {
      const a = at(i - 1), b = at(i), c = at(i + 1);
      const out = new Uint8Array(b.length);
      for (let k = 0; k < b.length; k++) out[k] = 255 - Math.round((a[k] + b[k] + c[k]) / 3);
      frames.push(out);
      ctx.stat('mean', out[0], 1);
      if (ctx.params.frameMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ctx.params.frameMs);
      ctx.progress(i - ctx.start + 1);
    }
    return { frames: { ...src, start: ctx.start, frames } };
  },
});

const pfail = defineNode({
  type: 'pfail',
  version: 1,
  label: 'Fail',
  category: 'refine',
  description: 'fails in the way its mode says, at frame `at` (busy: keeps its thread busy for `at` ms; nice: reports its thread\'s nice value)',
  inputs: [{ name: 'frames', types: ['frames'] }],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({ mode: Type.String({ default: 'throw' }), at: Type.Integer({ default: 20 }) }),
  cache: 'memory',
  threads: 'pool',
  info: async (ctx) => ({ frames: ctx.inputs.frames! }),
  async run(ctx) {
    if (ctx.params.mode === 'nice') ctx.stat('nice', os.getPriority(0), 1);
    if (ctx.params.mode === 'warn') ctx.warn?.(`frames ${ctx.start}..${ctx.end - 1} look damaged`);
    if (ctx.start <= ctx.params.at && ctx.params.at < ctx.end) {
      if (ctx.params.mode === 'throw') throw new Error('bad pixels');
      if (ctx.params.mode === 'exit') process.exit(3);
      if (ctx.params.mode === 'spin') for (;;);
    }
    if (ctx.params.mode === 'busy') {
      // Keeps its thread busy for `at` ms.
      const until = Date.now() + ctx.params.at;
      while (Date.now() < until);
    }
    return { frames: ctx.inputs.frames! };
  },
});

export const NODE_DEFINITIONS = [pramp, pmix, pfail] as unknown as AnyNodeDefinition[];
export const POOL_TEST_MODULE = import.meta.url;
