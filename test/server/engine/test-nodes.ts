/**
 * Small deterministic node types for testing the executor's mechanics (keys, windows, cutoff) without video.
 * Each counts the frames it computes, so tests can tell what ran.
 */
import { Type } from '@sinclair/typebox';
import { defineNode, type AnyNodeDefinition, type FramesChunk } from '../../../nodes/core/types.ts';

export const computed: Record<string, number> = {};
export function resetCounts(): void {
  for (const k of Object.keys(computed)) delete computed[k];
  for (const k of Object.keys(calls)) delete calls[k];
  for (const k of Object.keys(priorities)) delete priorities[k];
}
function count(type: string, n: number): void {
  computed[type] = (computed[type] ?? 0) + n;
}

const W = 4;
const H = 2;

const ramp = defineNode({
  type: 'ramp',
  version: 1,
  label: 'Ramp',
  category: 'input',
  description: 'frame i is filled with (i * gain) mod 256',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({ frames: Type.Integer({ default: 64, minimum: 1 }), gain: Type.Integer({ default: 1, minimum: 0 }) }),
  cache: 'disk',
  info: async (ctx) => ({ frames: { type: 'frames', width: W, height: H, fps: 25, frameCount: ctx.params.frames } }),
  async run(ctx) {
    count('ramp', ctx.end - ctx.start);
    (calls.ramp ??= []).push([ctx.start, ctx.end]);
    (priorities.ramp ??= []).push(ctx.priority);
    const frames: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) frames.push(new Uint8Array(W * H * 3).fill((i * ctx.params.gain) % 256));
    return { frames: { type: 'frames', start: ctx.start, width: W, height: H, frames } };
  },
});

const quantize = defineNode({
  type: 'quantize',
  version: 1,
  label: 'Quantize',
  category: 'refine',
  description: 'rounds values down to a multiple of step',
  inputs: [{ name: 'frames', types: ['frames'] }],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({ step: Type.Integer({ default: 1, minimum: 1 }) }),
  cache: 'memory',
  info: async (ctx) => ({ frames: ctx.inputs.frames! }),
  async run(ctx) {
    count('quantize', ctx.end - ctx.start);
    const src = ctx.inputs.frames as FramesChunk;
    const frames = src.frames.map((f) => f.map((v) => Math.floor(v / ctx.params.step) * ctx.params.step));
    return { frames: { ...src, start: ctx.start, frames } };
  },
});

/** out[i] = in[i-1] + in[i] + in[i+1] (clamped at the ends): a temporal node with a window of 1. */
const blur = defineNode({
  type: 'tblur',
  version: 1,
  label: 'Temporal sum',
  category: 'temporal',
  description: 'sums each frame with its neighbours',
  inputs: [{ name: 'frames', types: ['frames'] }],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'memory',
  window: () => ({ before: 1, after: 1 }),
  info: async (ctx) => ({ frames: ctx.inputs.frames! }),
  async run(ctx) {
    count('tblur', ctx.end - ctx.start);
    const src = ctx.inputs.frames as FramesChunk;
    const at = (i: number) => src.frames[Math.min(Math.max(i, src.start), src.start + src.frames.length - 1) - src.start];
    const frames: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) {
      const a = at(i - 1), b = at(i), c = at(i + 1);
      frames.push(b.map((v, k) => (a[k] + v + c[k]) % 256));
    }
    return { frames: { ...src, start: ctx.start, frames } };
  },
});

/** The frame ranges each run of a node type was asked for, in order. */
export const calls: Record<string, [number, number][]> = {};
/** The `priority` each computation was handed, by node type, in call order. */
export const priorities: Record<string, (number | undefined)[]> = {};

/** tblur computed in pieces of 30 frames or more (as temporal-smooth asks for 32), recording each call's range. */
const longBlur = defineNode({
  ...blur,
  type: 'tblur-long',
  pieceFrames: 30,
  async run(ctx) {
    (calls['tblur-long'] ??= []).push([ctx.start, ctx.end]);
    return blur.run!(ctx);
  },
});

/** Copies its frames, reading the `like` input only for its size (as optical-flow reads depth). */
const stamp = defineNode({
  type: 'stamp',
  version: 1,
  label: 'Stamp',
  category: 'refine',
  description: 'its frames, at the size of `like`',
  inputs: [
    { name: 'frames', types: ['frames'] },
    { name: 'like', types: ['frames'], infoOnly: true },
  ],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async (ctx) => ({ frames: { ...ctx.inputs.frames!, width: ctx.inputs.like!.width, height: ctx.inputs.like!.height } }),
  async run(ctx) {
    count('stamp', ctx.end - ctx.start);
    if (ctx.inputs.like) throw new Error('an info-only input was handed frames');
    const src = ctx.inputs.frames as FramesChunk;
    const { width, height } = ctx.inputInfo.like!;
    const frames: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) frames.push(new Uint8Array(width * height * 3).fill(src.frames[i - src.start][0]));
    return { frames: { type: 'frames', start: ctx.start, width, height, frames } };
  },
});

/** out[i] = a[i] + b[i]: a node reading two streams (as temporal-smooth reads depth, flow and scene cuts). */
const pair = defineNode({
  type: 'pair',
  version: 1,
  label: 'Pair',
  category: 'refine',
  description: 'sums two streams frame by frame',
  inputs: [
    { name: 'a', types: ['frames'] },
    { name: 'b', types: ['frames'] },
  ],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({}),
  cache: 'memory',
  info: async (ctx) => ({ frames: ctx.inputs.a! }),
  async run(ctx) {
    count('pair', ctx.end - ctx.start);
    const a = ctx.inputs.a as FramesChunk;
    const b = ctx.inputs.b as FramesChunk;
    const frames: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) frames.push(a.frames[i - a.start].map((v, k) => (v + b.frames[i - b.start][k]) % 256));
    return { frames: { type: 'frames', start: ctx.start, width: a.width, height: a.height, frames } };
  },
});

/**
 * A source that declares frames of any size (`width` x `height`) but carries one-pixel stand-ins, so a test can see
 * how the executor cuts a 4K or 8K stream into chunks without gigabytes of frames.
 */
const sized = defineNode({
  type: 'sized',
  version: 1,
  label: 'Sized source',
  category: 'input',
  description: 'declares width x height frames; each frame is one pixel of value i mod 256',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({ frames: Type.Integer({ default: 32, minimum: 1 }), width: Type.Integer({ default: 1920, minimum: 1 }), height: Type.Integer({ default: 1080, minimum: 1 }) }),
  cache: 'memory',
  info: async (ctx) => ({ frames: { type: 'frames', width: ctx.params.width, height: ctx.params.height, fps: 25, frameCount: ctx.params.frames } }),
  async run(ctx) {
    count('sized', ctx.end - ctx.start);
    (calls.sized ??= []).push([ctx.start, ctx.end]);
    const frames: Uint8Array[] = [];
    for (let i = ctx.start; i < ctx.end; i++) frames.push(new Uint8Array(3).fill(i % 256));
    return { frames: { type: 'frames', start: ctx.start, width: 1, height: 1, frames } };
  },
});

export const TEST_NODES = [ramp, quantize, blur, longBlur, stamp, pair, sized] as unknown as AnyNodeDefinition[];
