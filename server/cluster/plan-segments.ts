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

/** Segments covering [start, end) exactly, in order, split at `cuts` (first frames of new shots). */
export function planSegments(range: { start: number; end: number }, cuts: readonly number[], rules: SegmentRules = DEFAULT_SEGMENT_RULES): Segment[] {
  const bounds = [range.start];
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (c <= range.start || c >= range.end) continue;
    if (c - bounds[bounds.length - 1] < rules.minFrames) continue;
    bounds.push(c);
  }
  // A short last scene joins the one before it, as a short scene in the middle does.
  if (bounds.length > 1 && range.end - bounds[bounds.length - 1] < rules.minFrames) bounds.pop();
  bounds.push(range.end);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i];
    const b = bounds[i + 1];
    const pieces = Math.ceil((b - a) / Math.max(1, rules.maxFrames));
    for (let k = 0; k < pieces; k++) {
      out.push({ index: out.length, start: a + Math.round(((b - a) * k) / pieces), end: a + Math.round(((b - a) * (k + 1)) / pieces) });
    }
  }
  return out;
}
