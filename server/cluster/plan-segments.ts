/**
 * Splits a render's frame range into segments for workers: at scene cuts first, since a cut bounds every temporal
 * window and resets its state, so a scene renders the same alone as inside the whole clip; a scene longer than
 * `maxFrames` is split evenly (the executor computes the temporal window around each piece, so the split only
 * decides which frames each segment encodes, and each frame is encoded exactly once).
 */
export interface Segment {
  index: number;
  /** Stream frames [start, end) this segment encodes. */
  start: number;
  end: number;
}

export interface SegmentRules {
  /** Longest segment; longer scenes are split evenly into pieces no longer than this. */
  maxFrames: number;
  /** Scenes shorter than this join the segment before them (a segment has a fixed cost: planning, an ffmpeg start). */
  minFrames: number;
}

export const DEFAULT_SEGMENT_RULES: SegmentRules = { maxFrames: 300, minFrames: 12 };

/**
 * Splits a range into segments while its cuts are still being found, so the first segments can render while the
 * planner reads the rest: `advance` takes the cuts found so far and how far the search has got, and returns the
 * segments that can no longer change; `finish` returns the rest. The segments are those `planSegments` gives.
 */
export class SegmentStream {
  private last: number;
  private readonly seen = new Set<number>();
  private count = 0;

  constructor(
    private readonly range: { start: number; end: number },
    private readonly rules: SegmentRules = DEFAULT_SEGMENT_RULES,
  ) {
    this.last = range.start;
  }

  /** `cuts`: every cut before `decided` (more may be passed; later calls may repeat them). */
  advance(cuts: readonly number[], decided: number): Segment[] {
    const out: Segment[] = [];
    for (const c of [...cuts].filter((x) => x < decided && !this.seen.has(x)).sort((a, b) => a - b)) {
      this.seen.add(c);
      if (c <= this.last || c >= this.range.end) continue;
      // A scene shorter than the minimum joins the segment before it; so does a short last scene, which is why a
      // cut closer than the minimum to the range's end never becomes a boundary.
      if (c - this.last < this.rules.minFrames || this.range.end - c < this.rules.minFrames) continue;
      out.push(...this.split(this.last, c));
      this.last = c;
    }
    return out;
  }

  finish(): Segment[] {
    const out = this.last < this.range.end ? this.split(this.last, this.range.end) : [];
    this.last = this.range.end;
    return out;
  }

  /** A scene [a, b), in pieces no longer than the maximum, of about equal length. */
  private split(a: number, b: number): Segment[] {
    const pieces = Math.ceil((b - a) / Math.max(1, this.rules.maxFrames));
    const out: Segment[] = [];
    for (let k = 0; k < pieces; k++) {
      out.push({ index: this.count++, start: a + Math.round(((b - a) * k) / pieces), end: a + Math.round(((b - a) * (k + 1)) / pieces) });
    }
    return out;
  }
}

/** Segments covering [start, end) exactly, in order, split at `cuts` (first frames of new shots). */
export function planSegments(range: { start: number; end: number }, cuts: readonly number[], rules: SegmentRules = DEFAULT_SEGMENT_RULES): Segment[] {
  const stream = new SegmentStream(range, rules);
  return [...stream.advance(cuts, range.end), ...stream.finish()];
}
