import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxMean } from '../../../../nodes/lib/box-mean.ts';
import { areaResizeRgb } from '../../../../nodes/lib/area-resize-rgb.ts';
import { KERNELS_WASM, compileKernels } from '../../../../nodes/lib/kernels/build.mjs';
import { kernels, layout } from '../../../../nodes/lib/kernels/wasm.ts';
import { naiveAreaResizeRgb } from '../../../helpers/naive-area-resize.ts';
import { naiveBoxMean } from '../../../helpers/naive-box-mean.ts';

describe('WebAssembly kernels', () => {
  it('kernels.wasm is what the AssemblyScript sources compile to (run `npm run build:kernels` after changing them)', async () => {
    const built = await compileKernels();
    expect(Buffer.compare(built, readFileSync(KERNELS_WASM))).toBe(0);
  }, 60_000);

  it('give right answers before and after a frame large enough to grow their memory', () => {
    const small = new Float32Array(24 * 17).map((_, i) => Math.cos(i * 0.37) * 5);
    const before = boxMean(small, 24, 17, 2);
    expect(Array.from(before).map((v) => v.toFixed(4))).toEqual(Array.from(naiveBoxMean(small, 24, 17, 2)).map((v) => v.toFixed(4)));
    const pagesBefore = kernels().memory.buffer.byteLength;
    // A 4K RGB frame shrunk by area: 25 MB in, its intermediate and output: the memory must grow for it.
    const w = 3840;
    const h = 2160;
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) rgb.fill(y & 1 ? 200 : 100, y * w * 3, (y + 1) * w * 3);
    const out = areaResizeRgb(rgb, w, h, 480, 270);
    expect(kernels().memory.buffer.byteLength).toBeGreaterThan(pagesBefore);
    // Alternate rows of 100 and 200, eight to each output row: every output byte is their mean.
    expect(out.every((v) => v === 150)).toBe(true);
    const after = boxMean(small, 24, 17, 2);
    expect(Array.from(after)).toEqual(Array.from(before));
  });

  it('shrink RGB by area to the same bytes as the definition, for every ratio and size', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const sizes: [number, number, number, number][] = [[640, 272, 224, 224], [224, 224, 112, 112], [640, 272, 320, 136], [5, 3, 5, 3], [1, 1, 1, 1], [7, 9, 1, 1]];
    for (let t = 0; t < 120; t++) {
      const sw = 1 + Math.floor(random() * 70);
      const sh = 1 + Math.floor(random() * 40);
      sizes.push([sw, sh, 1 + Math.floor(random() * sw), 1 + Math.floor(random() * sh)]);
    }
    for (const [sw, sh, dw, dh] of sizes) {
      // Noise with runs of 0 and 255, where rounding and clamping are decided.
      const rgb = new Uint8Array(sw * sh * 3).map(() => (random() < 0.1 ? (random() < 0.5 ? 0 : 255) : Math.floor(random() * 256)));
      expect(Buffer.from(areaResizeRgb(rgb, sw, sh, dw, dh)).equals(Buffer.from(naiveAreaResizeRgb(rgb, sw, sh, dw, dh))), `${sw}x${sh} → ${dw}x${dh}`).toBe(true);
    }
  });

  it('refuse a call that needs more than WebAssembly memory holds with a coded error, and work on after it', () => {
    let caught: unknown;
    try {
      layout(5 * 2 ** 30);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'ANELO_E099_INTERNAL' });
    expect(String((caught as Error).message)).toMatch(/memory it needs \(5121 MiB\).*4 GiB/);
    const src = new Float32Array(12).fill(2);
    expect(Array.from(boxMean(src, 4, 3, 1))).toEqual(Array.from(src));
  });
});
