import { describe, expect, it } from 'vitest';
import { kthSmallest } from '../../../nodes/lib/select.ts';

describe('kthSmallest', () => {
  it('selects the k-th smallest value as the sorted array holds it, ties and all', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [1, 2, 3, 10, 101, 5000]) {
      for (const levels of [3, 1000]) {
        const a = Float32Array.from({ length: n }, () => Math.floor(rand() * levels) / 7);
        const sorted = a.slice().sort();
        for (const k of [0, n >> 1, n - 1, Math.floor(rand() * n)]) expect(kthSmallest(a.slice(), k)).toBe(sorted[k]);
      }
    }
  });
});
