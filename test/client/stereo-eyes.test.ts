import { describe, expect, it } from 'vitest';
import { anaglyph, eyesOf } from '../../client/src/lib/stereo-eyes.ts';

describe('stereo eyes', () => {
  it('finds both eyes of the packed layouts, each shown in its own aspect', () => {
    expect(eyesOf('sbs-full', 1280, 272)).toEqual({ left: { x: 0, y: 0, width: 640, height: 272 }, right: { x: 640, y: 0, width: 640, height: 272 }, aspect: 640 / 272 });
    // Half-width SBS squeezes each eye: shown at the frame's own aspect.
    expect(eyesOf('sbs-half', 640, 272)?.aspect).toBeCloseTo(640 / 272);
    expect(eyesOf('cross-eyed', 1280, 272)?.left.x).toBe(640);
    expect(eyesOf('tb-full', 640, 544)).toMatchObject({ left: { y: 0, height: 272 }, right: { y: 272, height: 272 }, aspect: 640 / 272 });
    expect(eyesOf('anaglyph', 640, 272)).toBeUndefined();
    expect(eyesOf('depth', 640, 272)).toBeUndefined();
  });

  it('takes red from the left eye and green and blue from the right', () => {
    const left = Uint8ClampedArray.from([200, 10, 20, 255, 1, 2, 3, 255]);
    const right = Uint8ClampedArray.from([50, 60, 70, 255, 4, 5, 6, 255]);
    expect([...anaglyph(left, right, new Uint8ClampedArray(8))]).toEqual([200, 60, 70, 255, 1, 5, 6, 255]);
  });
});
