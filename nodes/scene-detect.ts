/** Finds hard cuts; temporal nodes read its flags so that no window ever reaches across a cut. */
import { Type } from '@sinclair/typebox';
import { defineNode } from './core/types.ts';
import { requireChunk, requireInfo, throwIfAborted } from './lib/chunk-input.ts';
import { cutDecisionRadius, decideCuts, frameSignature, signatureDistance } from './lib/scene-cuts.ts';
import { analysisLutFor, pictureIdentity } from './lib/sdr-view.ts';

const params = Type.Object({
  sensitivity: Type.Number({
    default: 0.5,
    minimum: 0,
    maximum: 1,
    title: 'Sensitivity',
    description: 'Higher finds weaker cuts (and risks false ones in fast motion).',
    ui: { widget: 'slider', step: 0.05 },
  }),
  minSceneLength: Type.Integer({
    default: 8,
    minimum: 1,
    maximum: 240,
    title: 'Minimum scene length',
    description: 'Frames: of several candidate cuts closer than this, only the strongest counts.',
    ui: { widget: 'number', step: 1 },
  }),
  window: Type.Integer({
    default: 12,
    minimum: 2,
    maximum: 60,
    title: 'Adaptive window',
    description: 'Frames either side whose median change is the baseline a cut must stand out from.',
    ui: { widget: 'number', step: 1, advanced: true },
  }),
});

/**
 * Signatures already computed on this thread, by frame. Each piece reads a window around its frames (41 frames for
 * 16 at the defaults), so most frames are read by three pieces. Where those pieces get the same frame arrays — a run
 * on the main thread (`--workers 0`), the cluster planner's cut search — each signature is computed once; a pool
 * thread gets new arrays with every task and computes them as before. Frames are never written once produced, so a
 * frame's signature cannot go stale; an entry goes when its frame does.
 */
const signatures = new WeakMap<Uint8Array, { width: number; height: number; lut: Uint8Array | undefined; sig: Float32Array }>();

function signatureOf(frame: Uint8Array, width: number, height: number, lut: Uint8Array | undefined): Float32Array {
  const known = signatures.get(frame);
  if (known && known.width === width && known.height === height && known.lut === lut) return known.sig;
  const sig = frameSignature(frame, width, height, undefined, lut);
  signatures.set(frame, { width, height, lut, sig });
  return sig;
}

export const sceneDetectNode = defineNode({
  type: 'scene-detect',
  version: 2,
  label: 'Scene detect',
  category: 'analysis',
  description: 'Flags the first frame of every shot, so temporal smoothing never blends across a cut.',
  inputs: [{ name: 'frames', types: ['frames'], label: 'Frames' }],
  outputs: [{ name: 'cuts', types: ['cuts'], label: 'Cuts' }],
  params,
  cache: 'disk',
  threads: 'pool',
  // Version 2 scores a low-contrast pair's change up to 3x (scene-cuts.ts, signatureDistance); params are unchanged.
  migrations: [{ from: 1, migrate() {} }],
  // One more frame before: the first decided frame needs its predecessor's signature.
  window: (p) => ({ before: cutDecisionRadius(p) + 1, after: cutDecisionRadius(p) }),
  // An HDR source's `frames` are read through their SDR view (nodes/lib/sdr-view.ts); SDR keys are unchanged.
  identity: pictureIdentity(),
  async info(ctx) {
    const src = requireInfo(ctx.inputs, ctx.nodeId, 'frames');
    return { cuts: { type: 'cuts', width: src.width, height: src.height, fps: src.fps, frameCount: src.frameCount, source: src.source } };
  },
  async run(ctx) {
    const input = requireChunk(ctx, 'frames', 'frames');
    const n = input.frames.length;
    const sigs: Float32Array[] = [];
    const scores = new Float32Array(n);
    const lut = analysisLutFor(ctx.inputInfo.frames?.colour);
    for (let k = 0; k < n; k++) {
      throwIfAborted(ctx, input.start + k);
      sigs.push(signatureOf(input.frames[k], input.width, input.height, lut));
      scores[k] = k > 0 ? signatureDistance(sigs[k - 1], sigs[k]) : 0;
      if (input.start + k >= ctx.start && input.start + k < ctx.end) ctx.progress(input.start + k - ctx.start + 1);
    }
    // A chunk's first frame has no predecessor here unless it is frame 0, so its score is left out.
    const skip = input.start > 0 ? 1 : 0;
    const flags = decideCuts(scores.subarray(skip), input.start + skip, ctx.start, ctx.end, ctx.params);
    const out = scores.slice(ctx.start - input.start, ctx.end - input.start);
    return { cuts: { type: 'cuts', start: ctx.start, flags, scores: out } };
  },
});
