import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodePngRgb, resizeRgb } from '../../../server/media/vips-image.ts';

function image(w: number, h: number, px: (x: number, y: number) => [number, number, number]): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set(px(x, y), (y * w + x) * 3);
  return out;
}

describe('resizeRgb', () => {
  it('gives the same bytes back at the same size', async () => {
    const src = image(5, 3, (x, y) => [x, y, 7]);
    expect(await resizeRgb(src, 5, 3, 5, 3)).toBe(src);
  });

  it('keeps a flat colour flat when shrinking by a fraction, as a 720p frame to a 224 model input', async () => {
    const out = await resizeRgb(image(1280, 720, () => [200, 100, 3]), 1280, 720, 224, 224);
    expect(out.length).toBe(224 * 224 * 3);
    for (let i = 0; i < out.length; i += 3) expect([out[i], out[i + 1], out[i + 2]]).toEqual([200, 100, 3]);
  });

  it('averages every source pixel when shrinking: a one-pixel checker becomes grey, not aliased stripes', async () => {
    const out = await resizeRgb(image(640, 360, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0])), 640, 360, 112, 63);
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - 127.5)).toBeLessThanOrEqual(3);
  });

  it('keeps a horizontal ramp in order and in range', async () => {
    const out = await resizeRgb(image(400, 10, (x) => [Math.round((x * 255) / 399), 0, 0]), 400, 10, 50, 5);
    const row = Array.from({ length: 50 }, (_, x) => out[(2 * 50 + x) * 3]);
    for (let x = 1; x < 50; x++) expect(row[x]).toBeGreaterThanOrEqual(row[x - 1]);
    expect(row[0]).toBeLessThan(8);
    expect(row[49]).toBeGreaterThan(247);
  });
});

describe('encodePngRgb', () => {
  it('writes a PNG that reads back to the same pixels, at the same size', async () => {
    const src = image(37, 11, (x, y) => [x * 6, y * 20, (x * y) % 256]);
    const png = PNG.sync.read(await encodePngRgb(src, 37, 11));
    expect([png.width, png.height]).toEqual([37, 11]);
    for (let i = 0; i < 37 * 11; i++) expect([png.data[i * 4], png.data[i * 4 + 1], png.data[i * 4 + 2]]).toEqual([src[i * 3], src[i * 3 + 1], src[i * 3 + 2]]);
  });
});
