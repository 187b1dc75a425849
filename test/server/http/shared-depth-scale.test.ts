import { describe, expect, it } from 'vitest';
import type { DepthChunk } from '../../../nodes/core/types.ts';
import { depthStats } from '../../../nodes/lib/depth-stats.ts';
import { depthToRgb } from '../../../server/http/render/chunk-to-png.ts';
import { ownDepthRange, unionRange, withDepthRange } from '../../../server/http/lib/shared-depth-scale.ts';

/** A 10x10 depth frame whose values run evenly from lo to hi. */
function ramp(lo: number, hi: number): DepthChunk {
  const d = Float32Array.from({ length: 100 }, (_, i) => lo + ((hi - lo) * i) / 99);
  return { type: 'depth', start: 0, width: 10, height: 10, frames: [d], stats: [depthStats(d)] };
}

const colourOf = (chunk: DepthChunk, value: number): number[] => {
  const i = chunk.frames[0].findIndex((v) => Math.abs(v - value) < 1e-3);
  return [...depthToRgb(chunk, 0).subarray(i * 3, i * 3 + 3)];
};

describe('one colour scale for two depth frames', () => {
  it('gives the same depth value the same colour in both, where their own ranges gave different ones', () => {
    const a = ramp(0, 9.9);
    const b = ramp(5, 14.9);
    // Depth 9 lies in both frames (a: index 90, b: index 40).
    const v = a.frames[0][90];
    expect(b.frames[0][40]).toBeCloseTo(v, 3);
    expect(colourOf(a, v)).not.toEqual(colourOf(b, v));

    const range = unionRange(ownDepthRange(a, 'raw')!, ownDepthRange(b, 'raw')!);
    expect(range[0]).toBeLessThan(1);
    expect(range[1]).toBeGreaterThan(14);
    const sa = withDepthRange(a, range) as DepthChunk;
    const sb = withDepthRange(b, range) as DepthChunk;
    expect(colourOf(sa, v)).toEqual(colourOf(sb, v));
  });

  it('reports unit depth on its fixed 0..1 scale and nothing for other streams', () => {
    expect(ownDepthRange(ramp(0.2, 0.8), 'unit')).toEqual([0, 1]);
    expect(ownDepthRange({ type: 'cuts', start: 0, flags: new Uint8Array(1), scores: new Float32Array(1) }, undefined)).toBeUndefined();
  });
});
