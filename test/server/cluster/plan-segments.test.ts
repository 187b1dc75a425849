import { describe, expect, it } from 'vitest';
import { planSegments, SegmentStream, type Segment } from '../../../server/cluster/plan-segments.ts';

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

describe('SegmentStream', () => {
  /** Feeds the cuts found as a search moving `step` frames at a time would, and notes how far it was for each segment. */
  const stream = (range: { start: number; end: number }, cuts: number[], rules: { maxFrames: number; minFrames: number }, step: number): { segments: Segment[]; decidedAt: number[] } => {
    const s = new SegmentStream(range, rules);
    const segments: Segment[] = [];
    const decidedAt: number[] = [];
    for (let d = range.start + step; d < range.end; d += step) {
      for (const x of s.advance(cuts.filter((c) => c < d), d)) segments.push(x), decidedAt.push(d);
    }
    for (const x of [...s.advance(cuts, range.end), ...s.finish()]) segments.push(x), decidedAt.push(range.end);
    return { segments, decidedAt };
  };

  it('gives the segments of planSegments, each as soon as the cut after it is found', () => {
    const cuts = [30, 76, 137, 187, 242];
    const { segments, decidedAt } = stream({ start: 0, end: 250 }, cuts, { maxFrames: 300, minFrames: 12 }, 16);
    expect(segments).toEqual(planSegments({ start: 0, end: 250 }, cuts, { maxFrames: 300, minFrames: 12 }));
    // [0,30) is out once the search passes frame 30, long before the end; the last one (242 joins it) at the end.
    expect(decidedAt).toEqual([32, 80, 144, 192, 250]);
  });

  it('agrees with planSegments on short scenes, long scenes and cuts near the edges, whatever the step', () => {
    const cases: [{ start: number; end: number }, number[], { maxFrames: number; minFrames: number }][] = [
      [{ start: 0, end: 100 }, [5, 50, 95], { maxFrames: 300, minFrames: 12 }],
      [{ start: 0, end: 1001 }, [100, 104, 990], { maxFrames: 300, minFrames: 12 }],
      [{ start: 40, end: 150 }, [30, 40, 76, 137, 187], { maxFrames: 300, minFrames: 1 }],
      [{ start: 10, end: 20 }, [], { maxFrames: 300, minFrames: 12 }],
    ];
    for (const [range, cuts, rules] of cases) {
      for (const step of [1, 7, 16, 1000]) expect(stream(range, cuts, rules, step).segments).toEqual(planSegments(range, cuts, rules));
    }
  });
});
