import { describe, expect, it } from 'vitest';
import { planSegments } from '../../../server/cluster/plan-segments.ts';

const bounds = (s: { start: number; end: number }[]): number[] => [s[0].start, ...s.map((x) => x.end)];

describe('planSegments', () => {
  it('splits bikes-cuts at its cuts, covering every frame once', () => {
    const s = planSegments({ start: 0, end: 250 }, [30, 76, 137, 187, 242], { maxFrames: 300, minFrames: 1 });
    expect(bounds(s)).toEqual([0, 30, 76, 137, 187, 242, 250]);
    expect(s.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a scene shorter than the minimum joins the segment before it, the last one too', () => {
    expect(bounds(planSegments({ start: 0, end: 250 }, [30, 76, 137, 187, 242], { maxFrames: 300, minFrames: 12 }))).toEqual([0, 30, 76, 137, 187, 250]);
    expect(bounds(planSegments({ start: 0, end: 100 }, [5, 50], { maxFrames: 300, minFrames: 12 }))).toEqual([0, 50, 100]);
  });

  it('splits a long scene evenly into pieces no longer than the maximum', () => {
    expect(bounds(planSegments({ start: 0, end: 1000 }, [100], { maxFrames: 300, minFrames: 1 }))).toEqual([0, 100, 400, 700, 1000]);
    const s = planSegments({ start: 0, end: 1001 }, [100], { maxFrames: 300, minFrames: 1 });
    expect(bounds(s)).toEqual([0, 100, 325, 551, 776, 1001]);
    expect(Math.max(...s.map((x) => x.end - x.start))).toBeLessThanOrEqual(300);
  });

  it('keeps to the requested range: cuts outside it or on its edges are ignored', () => {
    expect(bounds(planSegments({ start: 40, end: 150 }, [30, 40, 76, 137, 187], { maxFrames: 300, minFrames: 1 }))).toEqual([40, 76, 137, 150]);
  });

  it('a range without cuts is one segment', () => {
    expect(planSegments({ start: 10, end: 20 }, [], { maxFrames: 300, minFrames: 12 })).toEqual([{ index: 0, start: 10, end: 20 }]);
  });
});
