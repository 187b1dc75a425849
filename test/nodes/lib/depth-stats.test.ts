import { describe, expect, it } from 'vitest';
import { depthStats, smoothedRange, valueRange } from '../../../nodes/lib/depth-stats.ts';
import { sceneSpan } from '../../../nodes/lib/scene-span.ts';
import { readPngGray } from '../../helpers/image-io.ts';
import { naiveDepthStats, naiveValueRange } from '../../helpers/naive-depth-stats.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

function sortedPercentile(values: Float32Array, q: number): number {
  const s = Float32Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

describe.skipIf(!hasShared('rgbd', 'single', 'TUM_depth.png'))('depth statistics on a real Kinect frame', () => {
  it('matches exact percentiles to within a thousandth of the range', () => {
    const img = readPngGray(sharedPath('rgbd', 'single', 'TUM_depth.png'));
    const valid = img.data.filter((v) => v > 0).map((v) => 5000 / v); // disparity-like, near = larger
    const s = depthStats(valid);
    const range = s.max - s.min;
    expect(s.min).toBe(valid.reduce((a, b) => Math.min(a, b)));
    expect(s.max).toBe(valid.reduce((a, b) => Math.max(a, b)));
    for (const [q, v] of [[0.02, s.p02], [0.5, s.p50], [0.98, s.p98]] as const) expect(Math.abs(v - sortedPercentile(valid, q))).toBeLessThan(range / 1000);
  });
});

describe('depth statistics', () => {
  it('ignores NaN and infinities and copes with flat frames', () => {
    expect(depthStats(Float32Array.from([NaN, 1, 2, 3, Infinity]))).toMatchObject({ min: 1, max: 3 });
    expect(depthStats(new Float32Array(10).fill(0.5))).toEqual({ min: 0.5, max: 0.5, p02: 0.5, p50: 0.5, p98: 0.5 });
  });

  it('equal the definition to the bit, whatever the values: smooth, noisy, repeated, signed zeros, NaN', () => {
    let seed = 11;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const frames: Float32Array[] = [];
    for (const n of [1, 2, 3, 7, 8, 9, 64, 1001, 640 * 272]) {
      frames.push(Float32Array.from({ length: n }, (_, i) => 0.2 + 0.6 * (0.5 + 0.5 * Math.sin(i * 0.0007)) + 0.05 * Math.sin(i * 0.37)));
      frames.push(Float32Array.from({ length: n }, () => random() * 40 - 20));
      // Few distinct values (many in one bin, extremes repeated), and zeros of both signs at the extremes.
      frames.push(Float32Array.from({ length: n }, () => [0, -0, 0.25, 1, 1][Math.floor(random() * 5)]));
      frames.push(Float32Array.from({ length: n }, () => [-0, 0, -1, -0.5][Math.floor(random() * 4)]));
      frames.push(Float32Array.from({ length: n }, (_, i) => (i % 5 === 3 ? NaN : random())));
      // Normalised depth's far end at 0; and a 0 at an odd position before a -0 at the last, even one (in the
      // scalar tail of a length of 4k + 1), where the definition's even/odd pairs give -0.
      frames.push(Float32Array.from({ length: n }, (_, i) => Math.max(0, Math.sin(i * 0.01))));
      frames.push(Float32Array.from({ length: n }, (_, i) => (i === 1 ? 0 : i === n - 1 ? -0 : 0.5 + 0.4 * Math.sin(i * 0.01))));
    }
    for (const f of frames) {
      const range = valueRange(f);
      expect(range).toEqual(naiveValueRange(f));
      expect(Object.is(range.min, naiveValueRange(f).min) && Object.is(range.max, naiveValueRange(f).max), `signs of zero, ${f.length} values`).toBe(true);
      expect(depthStats(f)).toEqual(naiveDepthStats(f));
    }
  });

  it('smooths the range over neighbours without reaching across a cut', () => {
    // Scene A (frames 0..9) has range 0..1, scene B (10..19) has range 10..20.
    const stats = Array.from({ length: 20 }, (_, i) => (i < 10 ? { min: 0, max: 1, p02: 0, p50: 0.5, p98: 1 } : { min: 10, max: 20, p02: 10, p50: 15, p98: 20 }));
    const cuts = { start: 0, flags: Uint8Array.from({ length: 20 }, (_, i) => (i === 0 || i === 10 ? 1 : 0)) };
    const span = sceneSpan(cuts, 9, 6, 0, 19);
    expect(span).toEqual({ first: 3, last: 9 });
    expect(smoothedRange(stats, 0, 9, span.first, span.last, 6)).toEqual({ lo: 0, hi: 1 });
    const noCut = sceneSpan(undefined, 9, 6, 0, 19);
    expect(smoothedRange(stats, 0, 9, noCut.first, noCut.last, 6).hi).toBeGreaterThan(5);
  });

  it('follows a jittering range only partly: the Gaussian average of its neighbours', () => {
    const stats = Array.from({ length: 25 }, (_, i) => ({ min: 0, max: 1, p02: 0, p50: 0.5, p98: i % 2 ? 1.1 : 0.9 }));
    const r = smoothedRange(stats, 0, 12, 0, 24, 12);
    expect(Math.abs(r.hi - 1)).toBeLessThan(0.02);
  });
});
