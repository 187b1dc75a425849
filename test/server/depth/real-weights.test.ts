/**
 * The depth pipeline on real weights: FastDepth (../shared/models, or any folder on ANELO_MODELS_DIR), compared
 * with measured depth. Skipped where the weights are absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { OnnxDepthService } from '../../../server/depth/depth-service.ts';
import { modelSearchDirs } from '../../../server/depth/model-dirs.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

const dirs = [...modelSearchDirs(), sharedPath('models')];
const modelsDir = dirs.find((d) => existsSync(path.join(d, 'fastdepth-nyu-224-f32.onnx')));
const haveData = hasShared('rgbd', 'single', 'TUM_color.png');

function rgbOf(png: PNG): Uint8Array {
  const out = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) out.set(png.data.subarray(i * 4, i * 4 + 3), i * 3);
  return out;
}

function pearson(a: Float64Array, b: Float64Array): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
  ma /= a.length; mb /= b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}

function ranks(v: Float64Array): Float64Array {
  const idx = Array.from(v.keys()).sort((x, y) => v[x] - v[y]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

describe.skipIf(!modelsDir || !haveData)('FastDepth on real weights', () => {
  const service = new OnnxDepthService({ store: new ModelStore({ dirs: [modelsDir!], hashCacheFile: null }) });
  const color = haveData ? PNG.sync.read(readFileSync(sharedPath('rgbd', 'single', 'TUM_color.png'))) : undefined;
  const gt = haveData ? PNG.sync.read(readFileSync(sharedPath('rgbd', 'single', 'TUM_depth.png')), { skipRescale: true } as never) : undefined;

  /** Model disparity and measured 1/depth (TUM: m = v / 5000, 0 invalid) at every valid model pixel. */
  async function pairs(params: Record<string, unknown>): Promise<[Float64Array, Float64Array]> {
    const r = await service.infer(params, [rgbOf(color!)], color!.width, color!.height);
    const raw = gt!.data as unknown as Uint16Array; // 16-bit grey, expanded to 4 channels by pngjs
    const a: number[] = [];
    const b: number[] = [];
    for (let y = 0; y < r.height; y++) {
      for (let x = 0; x < r.width; x++) {
        const sx = Math.floor(((x + 0.5) * gt!.width) / r.width);
        const sy = Math.floor(((y + 0.5) * gt!.height) / r.height);
        const v = raw[(sy * gt!.width + sx) * 4];
        if (v > 0) { a.push(r.frames[0][y * r.width + x]); b.push(5000 / v); }
      }
    }
    return [Float64Array.from(a), Float64Array.from(b)];
  }

  // Measured here: fp32 Pearson 0.517, Spearman 0.349; int8 0.572 / 0.422 (coarse model, outside its NYU domain).
  it.each([
    ['fp32', 0.45, 0.3],
    ['int8', 0.5, 0.35],
  ])('%s: disparity grows with measured 1/depth on TUM (near = larger)', async (precision, minPearson, minSpearman) => {
    const [disp, inv] = await pairs({ model: 'fastdepth-nyu-224', precision });
    expect(disp.length).toBeGreaterThan(30_000);
    expect(pearson(disp, inv)).toBeGreaterThan(minPearson);
    expect(pearson(ranks(disp), ranks(inv))).toBeGreaterThan(minSpearman);
  });

  it('runs a frame-by-frame (fixed batch 1) model over a chunk with the same result per frame', async () => {
    const f = rgbOf(color!);
    const r = await service.infer({ model: 'fastdepth-nyu-224' }, [f, f, f], color!.width, color!.height);
    expect([r.width, r.height, r.frames.length]).toEqual([224, 224, 3]);
    expect(r.frames[2]).toEqual(r.frames[0]);
  });

  it('takes the shared file by path, with its <name>.json sidecar, and keys it by its hash', async () => {
    const file = path.join(modelsDir!, 'fastdepth-nyu-224-int8.onnx');
    const key = await service.modelKey({ model: file });
    expect(key).toContain('5417ced6b062d13eefbaac0e8e1896105ab0ade4149c8706e47848bb8590592d');
    expect(await service.modelKey({ model: 'fastdepth-nyu-224', precision: 'int8' })).toBe(key);
    expect(await service.outputSize({ model: 'fastdepth-nyu-224-int8' }, 640, 480)).toEqual({ width: 224, height: 224 });
  });

  it('shows FastDepth as installed in the model list', () => {
    const entry = new ModelStore({ dirs: [modelsDir!], hashCacheFile: null }).list().find((m) => m.id === 'fastdepth-nyu-224')!;
    expect(entry.installed).toBe(true);
    expect(entry.variants.every((v) => v.installed)).toBe(true);
  });
});
