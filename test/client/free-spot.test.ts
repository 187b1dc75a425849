import { describe, expect, it } from 'vitest';
import { freeShift, type Rect } from '../../client/src/lib/free-spot.ts';

const box = (x: number, y: number, width = 200, height = 150): Rect => ({ x, y, width, height });
const clear = (a: Rect, b: Rect): boolean => a.x >= b.x + b.width || b.x >= a.x + a.width || a.y >= b.y + b.height || b.y >= a.y + a.height;

describe('free spot for new nodes', () => {
  it('keeps a node where it was asked for when that spot is free', () => {
    expect(freeShift([box(0, 0)], [box(400, 0)])).toEqual({ dx: 0, dy: 0 });
  });

  it('moves a node off another one, far enough that their handles do not touch', () => {
    const taken = [box(0, 0), box(300, 0), box(300, 200)];
    const { dx, dy } = freeShift(taken, [box(300, 10)]);
    const placed = box(300 + dx, 10 + dy);
    for (const t of taken) expect(clear(placed, { ...t, x: t.x - 12, width: t.width + 24 })).toBe(true);
  });

  it('moves a pasted group as one, keeping its shape', () => {
    const taken = [box(0, 0), box(300, 0)];
    const group = [box(40, 40), box(340, 40)];
    const { dx, dy } = freeShift(taken, group);
    expect(dy).toBeGreaterThan(0);
    for (const g of group) for (const t of taken) expect(clear({ ...g, x: g.x + dx, y: g.y + dy }, t)).toBe(true);
  });
});
