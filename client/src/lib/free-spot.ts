/**
 * Where new nodes go so that none lands on another node (and on its handles, which stick out of its sides): the
 * smallest shift down, then right, that clears every existing node by a margin.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Room kept around a node: its handles stick out about 6 px, and a wire needs space to be grabbed. */
const MARGIN = 24;
const STEP = 40;

const overlaps = (a: Rect, b: Rect): boolean => a.x < b.x + b.width + MARGIN && b.x < a.x + a.width + MARGIN && a.y < b.y + b.height + MARGIN && b.y < a.y + a.height + MARGIN;

/** The shift to apply to all of `placing` (kept together as a group) so that none overlaps `taken`. */
export function freeShift(taken: readonly Rect[], placing: readonly Rect[]): { dx: number; dy: number } {
  for (let ring = 0; ring < 200; ring++) {
    // Down first (graphs grow left to right, so space below is usually free), then one column right.
    const dx = Math.floor(ring / 25) * STEP * 4;
    const dy = (ring % 25) * STEP;
    if (!placing.some((p) => taken.some((t) => overlaps({ ...p, x: p.x + dx, y: p.y + dy }, t)))) return { dx, dy };
  }
  return { dx: 0, dy: 0 };
}
