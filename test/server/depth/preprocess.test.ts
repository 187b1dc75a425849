import { describe, expect, it } from 'vitest';
import { modelInputSize } from '../../../server/depth/model-input-size.ts';
import type { ModelInputSpec } from '../../../server/depth/model-manifest.ts';
import { preprocessFrames } from '../../../server/depth/preprocess.ts';
import { gradientFrame, solidFrame } from '../../helpers/test-models.ts';

const imagenet: ModelInputSpec = {
  name: 'pixel_values', layout: 'NCHW', channels: 'RGB', resize: 'stretch',
  size: { mode: 'keep-aspect', multipleOf: 14, side: 'short', target: 518 },
  scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};
const plain: ModelInputSpec = { ...imagenet, size: { mode: 'fixed', width: 8, height: 4 }, scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

/** Textbook bilinear sample with pixel centres at +0.5 and clamped edges (the reference for enlarging). */
function bilinearRef(src: (x: number, y: number) => number, sw: number, sh: number, dw: number, dh: number, x: number, y: number): number {
  const sx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5));
  const sy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5));
  const x0 = Math.floor(sx), y0 = Math.floor(sy);
  const x1 = Math.min(sw - 1, x0 + 1), y1 = Math.min(sh - 1, y0 + 1);
  const fx = sx - x0, fy = sy - y0;
  const top = src(x0, y0) * (1 - fx) + src(x1, y0) * fx;
  const bot = src(x0, y1) * (1 - fx) + src(x1, y1) * fx;
  return top * (1 - fy) + bot * fy;
}

describe('model input size', () => {
  it('scales the short side to the target and rounds both sides to a multiple of 14', () => {
    expect(modelInputSize(imagenet, 640, 272)).toEqual({ width: 1218, height: 518 });
    expect(modelInputSize(imagenet, 1920, 1080)).toEqual({ width: 924, height: 518 });
    expect(modelInputSize(imagenet, 1080, 1920)).toEqual({ width: 518, height: 924 });
  });

  it('takes inputSize over the manifest target, never below one multiple', () => {
    expect(modelInputSize(imagenet, 640, 272, 28)).toEqual({ width: 70, height: 28 });
    expect(modelInputSize(imagenet, 4000, 10, 14)).toEqual({ width: 5600, height: 14 });
  });

  it('uses the fixed size of fixed-size models (square override when inputSize is set)', () => {
    expect(modelInputSize(plain, 640, 272)).toEqual({ width: 8, height: 4 });
    expect(modelInputSize(plain, 640, 272, 32)).toEqual({ width: 32, height: 32 });
  });
});

describe('preprocessFrames', () => {
  it('normalises a constant colour exactly with scale, mean and std', () => {
    const t = preprocessFrames([solidFrame(50, 30, [200, 100, 0])], 50, 30, 14, 28, imagenet);
    const plane = 14 * 28;
    const want = [200, 100, 0].map((v, c) => (v / 255 - imagenet.mean[c]) / imagenet.std[c]);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) expect(t[c * plane + i]).toBeCloseTo(want[c], 5);
    }
  });

  it('is the identity at equal size and writes planes in CHW order', () => {
    const f = gradientFrame(8, 4, 77);
    const t = preprocessFrames([f], 8, 4, 8, 4, plain);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 8; x++) {
        expect(t[0 * 32 + y * 8 + x]).toBe(x);
        expect(t[1 * 32 + y * 8 + x]).toBe(y);
        expect(t[2 * 32 + y * 8 + x]).toBe(77);
      }
    }
  });

  it('matches textbook bilinear interpolation when enlarging', () => {
    const f = gradientFrame(5, 3);
    const t = preprocessFrames([f], 5, 3, 13, 7, plain);
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 13; x++) {
        expect(t[y * 13 + x]).toBeCloseTo(bilinearRef((sx) => sx, 5, 3, 13, 7, x, y), 4);
        expect(t[91 + y * 13 + x]).toBeCloseTo(bilinearRef((_, sy) => sy, 5, 3, 13, 7, x, y), 4);
      }
    }
  });

  it('averages (antialiases) when shrinking: a ramp halves to the mean of each 2-pixel cell', () => {
    const f = gradientFrame(64, 4);
    const t = preprocessFrames([f], 64, 4, 32, 2, plain);
    // Interior outputs see the symmetric triangle [1,3,3,1]/8 around source 2x+0.5.
    for (let x = 1; x < 31; x++) expect(t[x]).toBeCloseTo(2 * x + 0.5, 4);
    // A 1-pixel checkerboard averages to grey instead of aliasing to black or white.
    const checker = new Uint8Array(64 * 4 * 3);
    for (let i = 0; i < 64 * 4; i++) checker.fill((i % 64) % 2 ? 255 : 0, i * 3, i * 3 + 3);
    const g = preprocessFrames([checker], 64, 4, 16, 1, plain);
    for (let x = 1; x < 15; x++) expect(g[x]).toBeCloseTo(127.5, 0);
  });

  it('packs a batch frame after frame and swaps channels for BGR models', () => {
    const t = preprocessFrames([solidFrame(4, 4, [1, 2, 3]), solidFrame(4, 4, [4, 5, 6])], 4, 4, 2, 2, { ...plain, channels: 'BGR', mean: [10, 20, 30] });
    // Each frame is 3 planes of 4 values; BGR puts blue first; mean is listed in tensor channel order.
    const planes = [0, 1, 2, 3, 4, 5].map((p) => Array.from(t.subarray(p * 4, p * 4 + 4)));
    expect(planes).toEqual([[-7, -7, -7, -7], [-18, -18, -18, -18], [-29, -29, -29, -29], [-4, -4, -4, -4], [-15, -15, -15, -15], [-26, -26, -26, -26]]);
  });
});
