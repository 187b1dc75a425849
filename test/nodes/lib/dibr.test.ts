import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fullDisparityPx, renderStereoViews, renderStereoViewsInto, warpWithDisparity, type StereoViewParams } from '../../../nodes/lib/dibr.ts';
import { readPfm, readPngRgb } from '../../helpers/image-io.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

/** PSNR (dB) of RGB24 images over the pixels where mask[i] is set. */
function psnr(a: Uint8Array, b: Uint8Array, mask: Uint8Array): number {
  let se = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    for (let c = 0; c < 3; c++) se += (a[i * 3 + c] - b[i * 3 + c]) ** 2;
    n += 3;
  }
  return 10 * Math.log10((255 * 255) / (se / n));
}

/** The baseline a renderer must beat: each pixel moved to its rounded target, last writer wins, holes stay black. */
function naiveShift(rgb: Uint8Array, w: number, h: number, disp: Float32Array): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const t = Math.round(x - disp[y * w + x]);
      if (t >= 0 && t < w) out.set(rgb.subarray((y * w + x) * 3, (y * w + x) * 3 + 3), (y * w + t) * 3);
    }
  }
  return out;
}

describe.skipIf(!hasShared('stereo', 'cones', 'left.png'))('warp against Middlebury cones ground truth', () => {
  const dir = (f: string) => sharedPath('stereo', 'cones', f);
  const left = readPngRgb(dir('left.png'));
  const right = readPngRgb(dir('right.png'));
  const maskImg = readPngRgb(dir('nonocc-mask.png'));
  const disp = readPfm(dir('disp_left.pfm'));
  const { width: w, height: h } = left;
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) mask[i] = maskImg.data[i * 3] > 127 ? 1 : 0;
  // The mask lives in left-view coordinates; carried into the right view it marks the right pixels seen by both.
  const maskRight = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const t = Math.round(x - disp.data[y * w + x]);
      if (mask[y * w + x] && t >= 0 && t < w) maskRight[y * w + t] = 1;
    }
  }
  const occluded = maskRight.map((m) => 1 - m);
  const warped = warpWithDisparity(left.data, w, h, disp.data, 'left-to-right');
  const naive = naiveShift(left.data, w, h, disp.data);

  it('synthesises the right view from the left and its disparity', () => {
    expect([left.width, disp.width, right.width]).toEqual([450, 450, 450]);
    // Measured: 22.0 dB in the mask as given, 28.8 dB in the mask carried into the right view.
    expect(psnr(warped, right.data, mask)).toBeGreaterThan(21);
    expect(psnr(warped, right.data, maskRight)).toBeGreaterThan(28);
    // The identity (no warp) scores ~12.9 dB: the warp is doing the work.
    expect(psnr(left.data, right.data, maskRight)).toBeLessThan(14);
  });

  it('beats a naive per-pixel shift without z-buffer or hole filling, most of all where the left view saw nothing', () => {
    expect(psnr(warped, right.data, mask)).toBeGreaterThan(psnr(naive, right.data, mask) + 5);
    expect(psnr(warped, right.data, maskRight)).toBeGreaterThan(psnr(naive, right.data, maskRight) + 0.5);
    // Measured: 14.9 dB vs 6.3 dB in the disoccluded band.
    expect(psnr(warped, right.data, occluded)).toBeGreaterThan(psnr(naive, right.data, occluded) + 5);
  });
});

describe('stereo views of a synthetic layered scene', () => {
  const w = 400;
  const h = 60;
  // Three layers of known depth, each with a random column texture so any shift shows.
  const depth = new Float32Array(w * h);
  const rgb = new Uint8Array(w * h * 3);
  const layerAt = (x: number): number => (x >= 140 && x < 260 ? 1 : x >= 60 && x < 340 ? 0.8 : 0);
  // A distinct colour per column (the first two channels spell x), scrambled in the third.
  const colTexture = Array.from({ length: w }, (_, x) => [x & 255, 60 + (x >> 8) * 120, (x * 151) & 255]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      depth[y * w + x] = layerAt(x);
      rgb.set(colTexture[x], (y * w + x) * 3);
    }
  }
  const p: StereoViewParams = { divergence: 5, convergence: 0.5, foregroundScale: 0, preserveBorders: false };

  it('shifts every layer by exactly half its disparity in each eye, in opposite directions', () => {
    // 5% of 400 px = 20 px per unit of depth around the screen plane at 0.5.
    expect(fullDisparityPx(1, w, p)).toBeCloseTo(10, 5);
    expect(fullDisparityPx(0.8, w, p)).toBeCloseTo(6, 5);
    expect(fullDisparityPx(0, w, p)).toBeCloseTo(-10, 5);
    const { left, right } = renderStereoViews(rgb, depth, w, h, p, 'both');
    const y = 30;
    const cases = [
      { n: 1, from: 150, to: 250 },
      { n: 0.8, from: 75, to: 130 },
      { n: 0, from: 15, to: 45 },
    ];
    for (const { n, from, to } of cases) {
      const half = Math.round(fullDisparityPx(n, w, p) / 2);
      for (let x = from; x < to; x++) {
        const src = Array.from(rgb.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
        expect(Array.from(left.subarray((y * w + x + half) * 3, (y * w + x + half) * 3 + 3)), `left, layer ${n}, x ${x}`).toEqual(src);
        expect(Array.from(right.subarray((y * w + x - half) * 3, (y * w + x - half) * 3 + 3)), `right, layer ${n}, x ${x}`).toEqual(src);
      }
    }
  });

  it('lets the near layer cover the far one and fills holes with background, never foreground', () => {
    const { left } = renderStereoViews(rgb, depth, w, h, p, 'both');
    const y = 10;
    const at = (img: Uint8Array, x: number) => Array.from(img.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
    // The near layer [140, 260) moves right by 5 and the 0.8 layer by 3: near covers 260..264.
    for (let x = 260; x < 265; x++) expect(at(left, x)).toEqual(at(rgb, x - 5));
    // Its left edge uncovers [143, 145): filled from the farther neighbour, the 0.8 layer's last column (139).
    for (let x = 143; x < 145; x++) expect(at(left, x)).toEqual(at(rgb, 139));
  });

  it('with preserveBorders fades the shift to zero at the frame edges', () => {
    const kept = renderStereoViews(rgb, depth, w, h, { ...p, preserveBorders: true }, 'both').left;
    const plain = renderStereoViews(rgb, depth, w, h, p, 'both').left;
    // The red channel spells the source column (x & 255), so it tells which source column each edge pixel shows.
    const sourceColumn = (img: Uint8Array, x: number): number => img[(5 * w + x) * 3] + (x >= 256 ? 256 : 0);
    for (const x of [0, 1, 2, w - 6, w - 2, w - 1]) expect(Math.abs(sourceColumn(kept, x) - x), `column ${x}`).toBeLessThanOrEqual(1);
    // Without it, the background moves 5 px left: column w-6 shows source column w-1, repeated out to the edge.
    expect(sourceColumn(plain, w - 6)).toBeGreaterThanOrEqual(w - 2);
    expect(sourceColumn(plain, w - 1)).toBe(sourceColumn(plain, w - 6));
  });

  it('renders both eyes in one pass with the bytes each eye’s own pass gives, packed or apart', () => {
    // A wavy depth with foreground gain, so splats land between columns, blend and hide one another.
    const wavy = depth.map((v, i) => Math.min(1, v + 0.15 * Math.sin(i % w / 7) * Math.cos(Math.floor(i / w) / 5)));
    const q: StereoViewParams = { ...p, foregroundScale: 0.3 };
    const both = renderStereoViews(rgb, wavy, w, h, q, 'both');
    // 'left' alone shifts by the whole divergence: half of it is what 'both' gives each eye.
    const half = { ...q, divergence: q.divergence / 2 };
    expect(both.left).toEqual(renderStereoViews(rgb, wavy, w, h, half, 'left').left);
    expect(both.right).toEqual(renderStereoViews(rgb, wavy, w, h, half, 'right').right);
    const packed = renderStereoViewsInto(rgb, wavy, w, h, q, 'both', new Uint8Array(w * 2 * h * 3), { left: { offset: 0, stride: w * 6 }, right: { offset: w * 3, stride: w * 6 } });
    for (let y = 0; y < h; y++) {
      expect(packed.subarray(y * w * 6, y * w * 6 + w * 3)).toEqual(both.left.subarray(y * w * 3, (y + 1) * w * 3));
      expect(packed.subarray(y * w * 6 + w * 3, (y + 1) * w * 6)).toEqual(both.right.subarray(y * w * 3, (y + 1) * w * 3));
    }
  });

  it('renders the bytes stereo-warp version 2 has always rendered (new bytes need a new version: caches are keyed by it)', () => {
    // Odd sizes, layered depth with noise (surfaces blend, hide one another, leave holes), every path of the kernel:
    // both eyes, one eye, foreground gain, the border band, the screen plane at either end.
    const W = 123;
    const H = 37;
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const img = new Uint8Array(W * H * 3).map((_, i) => (i * 7 + (i >> 5)) & 255);
    const d = new Float32Array(W * H).map((_, i) => {
      const x = i % W;
      const y = Math.floor(i / W);
      const layer = (x - 40) ** 2 + (y - 18) ** 2 < 150 ? 0.9 : x > 80 && x < 100 ? 0.6 : 0.2 + 0.3 * (y / H);
      return Math.min(1, layer + (rnd() - 0.5) * 0.02);
    });
    const cases: [StereoViewParams, 'both' | 'left' | 'right'][] = [
      [{ divergence: 4, convergence: 0.5, foregroundScale: 0, preserveBorders: false }, 'both'],
      [{ divergence: 6, convergence: 0.5, foregroundScale: 0.5, preserveBorders: true }, 'both'],
      [{ divergence: 5, convergence: 0, foregroundScale: 0, preserveBorders: false }, 'left'],
      [{ divergence: 3, convergence: 1, foregroundScale: 0.2, preserveBorders: true }, 'right'],
    ];
    const hash = createHash('sha256');
    for (const [q, views] of cases) {
      const out = renderStereoViews(img, d, W, H, q, views);
      hash.update(out.left).update(out.right);
    }
    expect(hash.digest('hex')).toBe('e5435967f99c555466d6ec3cfb75986566143c00398d28b9f36bbd54ddd801ab');
  });

  it('renders a 1080p view in well under a second', () => {
    const W = 1920;
    const H = 1080;
    const big = new Uint8Array(W * H * 3).map((_, i) => (i * 37) & 255);
    const d = new Float32Array(W * H).map((_, i) => ((i % W) / W + Math.floor(i / W) / H) / 2);
    // CPU time, not wall time: on a loaded 2-core CI machine the wall clock also counts the other test files' work
    // (it read over a second there once, where this takes ~0.2 s of CPU). The call runs on this thread alone.
    const c0 = process.cpuUsage();
    renderStereoViews(big, d, W, H, p, 'both');
    const used = process.cpuUsage(c0);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });
});
