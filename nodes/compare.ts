/**
 * compare: two depth streams side by side on one colour scale, after aligning b to a by least-squares scale and
 * shift (relative depth models agree only up to those), with a per-frame agreement figure.
 */
import { Type } from '@sinclair/typebox';
import { AneloError } from './core/errors.ts';
import { defineNode, type DepthChunk, type FramesChunk, type StreamInfo } from './core/types.ts';
import { normaliseDepth } from './lib/depth-normalise.ts';
import { areaResizeRgb } from './lib/area-resize-rgb.ts';
import { resizeBilinear } from './lib/bilinear-resize.ts';
import { turboColormap } from './lib/colormap.ts';
import { depthStats } from './lib/depth-stats.ts';

const params = Type.Object({});

export interface Alignment {
  scale: number;
  shift: number;
  /** Mean of |s·b + t − a| / a over pixels where a is at or above its 2nd percentile and positive. 0 = identical. */
  absRel: number;
  /** Share of those pixels where the aligned ratio max(b'/a, a/b') stays under 1.25. 1 = full agreement. */
  delta1: number;
}

/** Least-squares s, t minimising Σ(s·b + t − a)², and the agreement of the aligned b with a. */
export function alignDepth(a: Float32Array, b: Float32Array, floor: number): Alignment {
  let n = 0, sa = 0, sb = 0, sbb = 0, sab = 0;
  for (let i = 0; i < a.length; i++) {
    const x = b[i], y = a[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    n++; sa += y; sb += x; sbb += x * x; sab += x * y;
  }
  const varB = n > 0 ? sbb / n - (sb / n) ** 2 : 0;
  const scale = varB > 1e-12 ? (sab / n - (sa / n) * (sb / n)) / varB : 0;
  const shift = n > 0 ? (sa - scale * sb) / n : 0;
  let m = 0, rel = 0, good = 0;
  const lo = Math.max(floor, 0);
  for (let i = 0; i < a.length; i++) {
    const y = a[i];
    if (!(y > 0 && y >= lo)) continue;
    const x = scale * b[i] + shift;
    if (!Number.isFinite(x)) continue;
    m++;
    rel += Math.abs(x - y) / y;
    if (x > 0 && Math.max(x / y, y / x) < 1.25) good++;
  }
  return { scale, shift, absRel: m > 0 ? rel / m : 0, delta1: m > 0 ? good / m : 0 };
}

function depthFrame(c: DepthChunk, i: number): Float32Array {
  return c.frames[i - c.start];
}

export const compareNode = defineNode({
  type: 'compare',
  version: 1,
  label: 'Compare depth',
  category: 'analysis',
  description:
    'Shows depth a and depth b (scale-and-shift aligned to a) side by side in turbo colours on one scale, after the ' +
    'frames if connected. Stats: agreement = AbsRel of aligned b against a (0 = identical, lower is better); delta1 = share of pixels within 25%.',
  inputs: [
    { name: 'a', types: ['depth'], label: 'Depth a' },
    { name: 'b', types: ['depth'], label: 'Depth b' },
    { name: 'frames', types: ['frames'], label: 'Frames', optional: true },
  ],
  outputs: [{ name: 'frames', types: ['frames'], label: 'Side by side' }],
  params,
  cache: 'memory',
  threads: 'pool',
  async info(ctx) {
    const a = ctx.inputs.a;
    const b = ctx.inputs.b;
    if (!a || !b) throw new AneloError('ANELO_E001_GRAPH_INVALID', `node "${ctx.nodeId}": inputs "a" and "b" must both be connected`, { nodeId: ctx.nodeId, port: a ? 'b' : 'a' });
    const panels = ctx.inputs.frames ? 3 : 2;
    const frames: StreamInfo = { type: 'frames', width: a.width * panels, height: a.height, fps: a.fps, frameCount: Math.min(a.frameCount, b.frameCount), source: a.source };
    return { frames };
  },
  async run(ctx) {
    const A = ctx.inputs.a as DepthChunk | undefined;
    const B = ctx.inputs.b as DepthChunk | undefined;
    const F = ctx.inputs.frames as FramesChunk | undefined;
    if (!A || !B) throw new AneloError('ANELO_E031_NODE_FAILED', `node "${ctx.nodeId}": missing depth input`, { nodeId: ctx.nodeId, port: A ? 'b' : 'a' });
    const w = A.width, h = A.height;
    const panels = F ? 3 : 2;
    const rowBytes = w * 3;
    const out: Uint8Array[] = [];
    const norm = new Float32Array(w * h);
    const aligned = new Float32Array(w * h);
    for (let i = ctx.start; i < ctx.end; i++) {
      const a = depthFrame(A, i);
      const bRaw = depthFrame(B, i);
      const b = B.width === w && B.height === h ? bRaw : resizeBilinear(bRaw, B.width, B.height, w, h);
      const st = A.stats[i - A.start] ?? depthStats(a);
      const fit = alignDepth(a, b, st.p02);
      ctx.stat('agreement', fit.absRel, 1);
      ctx.stat('delta1', fit.delta1, 1);
      // One scale for both panels: a's robust range (b is put on a's scale by the alignment first).
      const colA = turboColormap(normaliseDepth(a, st, norm));
      for (let k = 0; k < b.length; k++) aligned[k] = fit.scale * b[k] + fit.shift;
      const colB = turboColormap(normaliseDepth(aligned, st, norm));
      const tiles = [colA, colB];
      if (F) tiles.unshift(F.width === w && F.height === h ? F.frames[i - F.start] : areaResizeRgb(F.frames[i - F.start], F.width, F.height, w, h));
      const frame = new Uint8Array(w * panels * h * 3);
      for (let y = 0; y < h; y++) {
        for (let p = 0; p < panels; p++) frame.set(tiles[p].subarray(y * rowBytes, (y + 1) * rowBytes), (y * panels + p) * rowBytes);
      }
      out.push(frame);
      ctx.progress(1);
    }
    return { frames: { type: 'frames', start: ctx.start, width: w * panels, height: h, frames: out } };
  },
});
