import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { CutsChunk, DepthChunk } from '../../../nodes/core/types.ts';
import { chunkToRgb, encodePng } from '../../../server/http/render/chunk-to-png.ts';

describe('preview rendering', () => {
  it('colours depth with turbo over the frame p02..p98 range: near red, far blue, outliers clamped', async () => {
    // 6x1: 10% and 90% of the range, both ends, and an outlier beyond each end.
    const d = new Float32Array([1.8, 8.2, 1, -50, 9, 500]);
    const chunk: DepthChunk = { type: 'depth', start: 0, width: 6, height: 1, frames: [d], stats: [{ min: -50, max: 500, p02: 1, p50: 5, p98: 9 }] };
    const png = PNG.sync.read(await encodePng(chunkToRgb(chunk)));
    const px = (i: number): number[] => [...png.data.subarray(i * 4, i * 4 + 3)];
    const [far, near, lo, loOut, hi, hiOut] = [0, 1, 2, 3, 4, 5].map(px);
    expect(far[2]).toBeGreaterThan(far[0] + 100); // blue
    expect(near[0]).toBeGreaterThan(near[2] + 100); // red
    expect(loOut).toEqual(lo);
    expect(hiOut).toEqual(hi);
  });

  it('draws cuts as a 64x16 strip, red when the frame starts a scene', async () => {
    const cut: CutsChunk = { type: 'cuts', start: 0, flags: new Uint8Array([1]), scores: new Float32Array([0.5]) };
    const calm: CutsChunk = { type: 'cuts', start: 0, flags: new Uint8Array([0]), scores: new Float32Array([0.25]) };
    const a = PNG.sync.read(await encodePng(chunkToRgb(cut)));
    const b = PNG.sync.read(await encodePng(chunkToRgb(calm)));
    expect([a.width, a.height]).toEqual([64, 16]);
    const last = (p: PNG): number[] => [...p.data.subarray(63 * 4, 63 * 4 + 3)];
    expect(last(a)).toEqual([220, 40, 40]);
    expect(last(b)).toEqual([24, 24, 24]);
    expect([...b.data.subarray(15 * 4, 15 * 4 + 3)]).toEqual([200, 200, 200]); // bar covers 25% = 16 px
  });
});
