import { describe, expect, it } from 'vitest';
import { boxMean } from '../../../nodes/lib/box-mean.ts';
import { naiveBoxMean } from '../../helpers/naive-box-mean.ts';

describe('boxMean', () => {
  for (const [w, h, r] of [[1, 1, 0], [5, 3, 1], [7, 9, 3], [13, 4, 20], [40, 30, 8], [9, 9, 0]]) {
    it(`matches the clipped-box definition at ${w}x${h}, radius ${r}`, () => {
      const src = new Float32Array(w * h).map((_, i) => Math.sin(i * 1.7) * 10);
      const got = boxMean(src, w, h, r);
      const want = naiveBoxMean(src, w, h, r);
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
    });
  }

  it('may write into its own input', () => {
    const src = new Float32Array(48).map((_, i) => i % 7);
    const want = naiveBoxMean(src, 8, 6, 2);
    expect(Array.from(boxMean(src, 8, 6, 2, src)).map((v) => v.toFixed(4))).toEqual(Array.from(want).map((v) => v.toFixed(4)));
  });
});
