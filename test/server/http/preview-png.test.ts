/** Preview pictures are shown at the frame's shape on screen, then fitted to the panel. */
import { describe, expect, it } from 'vitest';
import { fitWidth } from '../../../server/http/render/preview-png.ts';

const image = (width: number, height: number) => ({ width, height, rgb: new Uint8Array(width * height * 3).fill(128) });

describe('fitWidth', () => {
  it('leaves square pixels that fit as they are, and shrinks wider ones to the panel', async () => {
    const img = image(720, 480);
    expect(await fitWidth(img)).toBe(img);
    expect(await fitWidth(img, 1000)).toBe(img);
    const small = await fitWidth(img, 360);
    expect([small.width, small.height, small.rgb.length]).toEqual([360, 240, 360 * 240 * 3]);
  });

  it('shows a DVD frame (720x480, pixels 8:9) at 640x480, and fits that shape to the panel', async () => {
    const shown = await fitWidth(image(720, 480), undefined, '8:9');
    expect([shown.width, shown.height]).toEqual([640, 480]);
    const fitted = await fitWidth(image(720, 480), 320, '8:9');
    expect([fitted.width, fitted.height]).toEqual([320, 240]);
    // HDV: 1440x1080 at 4:3 pixels is 1920x1080 on screen.
    const hdv = await fitWidth(image(1440, 1080), 960, '4:3');
    expect([hdv.width, hdv.height]).toEqual([960, 540]);
  });
});
