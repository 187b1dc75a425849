import { describe, expect, it } from 'vitest';
import type { StereoLayout } from '../../../nodes/core/types.ts';
import { anaglyph, composeLayout, layoutSize } from '../../../nodes/lib/stereo-layout.ts';
import { turboColormap } from '../../../nodes/lib/colormap.ts';

const solid = (w: number, h: number, rgb: [number, number, number]) => {
  const f = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) f.set(rgb, i * 3);
  return f;
};
const px = (img: Uint8Array, w: number, x: number, y: number) => Array.from(img.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));

describe('stereo layouts', () => {
  const w = 7; // odd on purpose: half layouts must still fill the frame
  const h = 5;
  const L = solid(w, h, [255, 0, 0]);
  const R = solid(w, h, [0, 0, 255]);

  it('gives each layout its output size', () => {
    const expected: Record<StereoLayout, [number, number]> = {
      'sbs-full': [14, 5],
      'sbs-half': [7, 5],
      'tb-full': [7, 10],
      'tb-half': [7, 5],
      anaglyph: [7, 5],
      'cross-eyed': [14, 5],
      left: [7, 5],
      right: [7, 5],
      depth: [7, 5],
    };
    for (const [layout, [ew, eh]] of Object.entries(expected) as [StereoLayout, [number, number]][]) {
      expect(layoutSize(layout, w, h), layout).toEqual({ width: ew, height: eh });
      const depth = new Float32Array(w * h).fill(0.5);
      expect(composeLayout(layout, w, h, L, R, depth).length, layout).toBe(ew * eh * 3);
    }
  });

  it('puts each eye where players look for it', () => {
    const sbs = composeLayout('sbs-full', w, h, L, R);
    expect(px(sbs, 14, 0, 0)).toEqual([255, 0, 0]);
    expect(px(sbs, 14, 13, 4)).toEqual([0, 0, 255]);
    const cross = composeLayout('cross-eyed', w, h, L, R);
    expect(px(cross, 14, 0, 0)).toEqual([0, 0, 255]);
    expect(px(cross, 14, 13, 4)).toEqual([255, 0, 0]);
    const half = composeLayout('sbs-half', w, h, L, R);
    expect(px(half, w, 2, 2)).toEqual([255, 0, 0]);
    expect(px(half, w, 3, 2)).toEqual([0, 0, 255]);
    const tb = composeLayout('tb-half', w, h, L, R);
    expect(px(tb, w, 3, 1)).toEqual([255, 0, 0]);
    expect(px(tb, w, 3, 2)).toEqual([0, 0, 255]);
    expect(px(composeLayout('tb-full', w, h, L, R), w, 0, 9)).toEqual([0, 0, 255]);
    expect(px(composeLayout('right', w, h, L, R), w, 0, 0)).toEqual([0, 0, 255]);
    const depth = new Float32Array(w * h).fill(0.25);
    expect(px(composeLayout('depth', w, h, undefined, undefined, depth), w, 1, 1)).toEqual([64, 64, 64]);
  });

  it('anaglyph: the left eye reaches the red channel, the right eye green and blue, grey stays grey', () => {
    const white = solid(w, h, [255, 255, 255]);
    const black = solid(w, h, [0, 0, 0]);
    const leftOnly = px(anaglyph(white, black, w, h), w, 0, 0);
    expect(leftOnly[0]).toBeGreaterThan(200);
    expect(leftOnly[1]).toBeLessThan(10);
    expect(leftOnly[2]).toBeLessThan(10);
    const rightOnly = px(anaglyph(black, white, w, h), w, 0, 0);
    expect(rightOnly[0]).toBeLessThan(10);
    expect(rightOnly[1]).toBeGreaterThan(200);
    expect(rightOnly[2]).toBeGreaterThan(200);
    const grey = px(anaglyph(solid(w, h, [128, 128, 128]), solid(w, h, [128, 128, 128]), w, h), w, 0, 0);
    for (const c of grey) expect(Math.abs(c - 128)).toBeLessThan(12);
    expect(px(anaglyph(white, white, w, h), w, 0, 0)).toEqual([255, 255, 255]);
  });
});

describe('turbo colour map', () => {
  it('runs from near black (far) through blue, green and orange to dark red (near), clamping outside 0..1', () => {
    const rgb = turboColormap(Float32Array.from([0, 0.25, 0.5, 0.75, 1, -3, 7]));
    const at = (k: number) => Array.from(rgb.subarray(k * 3, k * 3 + 3));
    expect(Math.max(...at(0))).toBeLessThan(60);
    expect(at(1)[2]).toBeGreaterThan(200);
    expect(at(1)[2]).toBeGreaterThan(at(1)[0]);
    expect(at(2)[1]).toBeGreaterThan(Math.max(at(2)[0], at(2)[2]));
    expect(at(3)[0]).toBeGreaterThan(at(3)[1]);
    expect(at(3)[1]).toBeGreaterThan(at(3)[2]);
    expect(at(4)[0]).toBeGreaterThan(100);
    expect(at(4)[0]).toBeGreaterThan(5 * at(4)[1]);
    expect(at(5)).toEqual(at(0));
    expect(at(6)).toEqual(at(4));
  });
});
