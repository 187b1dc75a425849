/**
 * Runs a node definition the way the executor does, without the executor: params completed with defaults, each
 * input cut to the frames it reads (its window, or its exact reach: `framesRead`) of a whole in-memory stream, fake
 * services.
 */
import { Value } from '@sinclair/typebox/value';
import type { Static, TObject } from '@sinclair/typebox';
import type { Chunk, ColourTags, DepthScale, InfoContext, NodeDefinition, RunContext, Services, StreamInfo } from '../../nodes/core/types.ts';
import { chunkLength, framesRead } from '../../nodes/core/types.ts';

/** Services that fail loudly: the four imaging nodes must never touch ffmpeg or a model. */
export const fakeServices: Services = {
  media: {
    probe: () => Promise.reject(new Error('no media in node tests')),
    fingerprint: () => Promise.reject(new Error('no media in node tests')),
    readFrames: () => {
      throw new Error('no media in node tests');
    },
    openEncoder: () => Promise.reject(new Error('no media in node tests')),
  },
};

/** The params with defaults filled in, as the executor passes them. */
export function withDefaults<S extends TObject>(def: NodeDefinition<S>, params: Partial<Static<S>> = {}): Static<S> {
  return Value.Default(def.params, structuredClone(params)) as Static<S>;
}

/** Frames [from, to) of a whole-stream chunk, clipped to the stream. */
export function sliceChunk(c: Chunk, from: number, to: number): Chunk {
  const a = Math.max(from, c.start);
  const b = Math.min(to, c.start + chunkLength(c));
  const s = a - c.start;
  const e = b - c.start;
  if (c.type === 'cuts') return { ...c, start: a, flags: c.flags.slice(s, e), scores: c.scores.slice(s, e) };
  if (c.type === 'depth') return { ...c, start: a, frames: c.frames.slice(s, e), stats: c.stats.slice(s, e) };
  return { ...c, start: a, frames: c.frames.slice(s, e) };
}

/** Stream info of a whole in-memory chunk. */
export function infoOf(c: Chunk, fps = 25): StreamInfo {
  const n = chunkLength(c);
  if (c.type === 'cuts') return { type: 'cuts', width: 0, height: 0, fps, frameCount: n };
  return { type: c.type, width: c.width, height: c.height, fps, frameCount: n, depthScale: depthScales.get(c), colour: colours.get(c) };
}

const depthScales = new WeakMap<Chunk, DepthScale>();
const colours = new WeakMap<Chunk, ColourTags>();

/** Declares how a test frames stream's colours are coded, as decode would from its source's probe. */
export function withColour<C extends Chunk>(c: C, colour: ColourTags): C {
  colours.set(c, colour);
  return c;
}

/** Declares what a test depth stream's values mean, as the node producing it would in its stream info. */
export function withDepthScale<C extends Chunk>(c: C, scale: DepthScale): C {
  depthScales.set(c, scale);
  return c;
}

export interface FakeRun {
  result: Record<string, Chunk>;
  stats: Record<string, { sum: number; frames: number }>;
  progress: number[];
}

/**
 * Runs `def` for frames [start, end) over whole input streams, giving it only the frames it reads of each (its
 * exact reach where it declares one; `cut: 'window'` gives it the whole window instead).
 */
export async function runNode<S extends TObject>(
  def: NodeDefinition<S>,
  params: Partial<Static<S>>,
  streams: Record<string, Chunk>,
  start: number,
  end: number,
  signal: AbortSignal = new AbortController().signal,
  cut: 'reach' | 'window' = 'reach',
): Promise<FakeRun> {
  const full = withDefaults(def, params);
  const window = def.window ? def.window(full) : { before: 0, after: 0 };
  const [lo, hi] = cut === 'reach' ? framesRead(def, full, window, start, end) : [start - window.before, end + window.after];
  const inputInfo: Record<string, StreamInfo> = {};
  const inputs: Record<string, Chunk> = {};
  for (const [port, c] of Object.entries(streams)) {
    inputInfo[port] = infoOf(c);
    inputs[port] = sliceChunk(c, lo, hi);
  }
  const infoCtx: InfoContext<Static<S>> = { nodeId: 'n1', params: full, inputs: inputInfo, services: fakeServices };
  const info = await def.info(infoCtx);
  const stats: FakeRun['stats'] = {};
  const progress: number[] = [];
  const ctx: RunContext<Static<S>> = {
    nodeId: 'n1',
    params: full,
    start,
    end,
    info,
    inputInfo,
    inputs,
    services: fakeServices,
    signal,
    progress: (n) => progress.push(n),
    stat: (name, value, frames = 1) => {
      const s = (stats[name] ??= { sum: 0, frames: 0 });
      s.sum += value * frames;
      s.frames += frames;
    },
  };
  const result = await def.run!(ctx);
  return { result, stats, progress };
}
