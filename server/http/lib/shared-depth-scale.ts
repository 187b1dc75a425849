/**
 * One colour scale for two depth previews (the viewer's A/B compare): each is coloured on the union of both
 * frames' robust ranges, so the same depth value gets the same colour in A and B. 'unit' depth is already on one
 * scale (0 far … 1 near); depth on different scales (raw against unit) keeps its own range.
 */
import type { Chunk, DepthScale, DepthStats } from '../../../nodes/core/types.ts';
import { depthStats } from '../../../nodes/lib/depth-stats.ts';

export type DepthRange = [number, number];

/** The range a depth frame is coloured on by itself: its p02..p98 when raw, 0..1 when unit. */
export function ownDepthRange(chunk: Chunk, scale: DepthScale | undefined): DepthRange | undefined {
  if (chunk.type !== 'depth') return undefined;
  if (scale === 'unit') return [0, 1];
  const s = chunk.stats[0] ?? depthStats(chunk.frames[0]);
  return [s.p02, s.p98];
}

export function unionRange(a: DepthRange, b: DepthRange): DepthRange {
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

/** The frame's chunk set to be coloured on `range` (raw depth is normalised by its stats' p02..p98). */
export function withDepthRange(chunk: Chunk, range: DepthRange): Chunk {
  if (chunk.type !== 'depth') return chunk;
  const s: DepthStats = chunk.stats[0] ?? depthStats(chunk.frames[0]);
  return { ...chunk, stats: [{ ...s, p02: range[0], p98: range[1] }, ...chunk.stats.slice(1)] };
}
