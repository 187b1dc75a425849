import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from '../../../nodes/lib/float16.ts';
import { OnnxDepthService } from '../../../server/depth/depth-service.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import { readRegistry } from '../../../server/depth/model-registry.ts';
import { SessionPool } from '../../../server/depth/onnx-session.ts';
import {
  IMAGENET_MEAN, IMAGENET_STD, gradientFrame, linearOutput, solidFrame, tempModelDir,
  writeDepthAnythingLike, writeMetricDepthLike, writeMidasLike, writeRank3Model, type TestModel, type Vec3,
} from '../../helpers/test-models.ts';

const f16 = (v: number): number => fromFloat16Bits(toFloat16Bits(v));
const near = (got: number, want: number): void => expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-3 + 1e-4);

let dir: string;
let da: TestModel;
let midas: TestModel;
let metric: TestModel;
let service: OnnxDepthService;
let pool: SessionPool;

function makeService(maxBatch = 4): OnnxDepthService {
  return new OnnxDepthService({ store: new ModelStore({ dirs: [dir], registry: readRegistry(), hashCacheFile: null }), pool, maxBatch });
}

beforeAll(() => {
  dir = tempModelDir();
  da = writeDepthAnythingLike(dir, { weights: [0.5, -0.25, 0.125], bias: 2 });
  midas = writeMidasLike(dir, { weights: [1, 2, -1], bias: 0.5 });
  metric = writeMetricDepthLike(dir, { weights: [1, 2, 3], bias: 1 });
  pool = new SessionPool();
  service = makeService();
});

describe('OnnxDepthService on a Depth-Anything-like model (pixel_values → predicted_depth, dynamic H/W)', () => {
  it('outputs the known function of the normalised colour at the keep-aspect model size', async () => {
    const rgb: Vec3 = [200, 120, 40];
    const r = await service.infer({ model: 'test-da-like' }, [solidFrame(100, 60, rgb)], 100, 60);
    expect([r.width, r.height]).toEqual([42, 28]);
    const want = f16(linearOutput(da.fn, rgb, 1 / 255, IMAGENET_MEAN, IMAGENET_STD));
    for (const v of r.frames[0]) near(v, want);
  });

  it('maps each pixel exactly when the frame is already at model size', async () => {
    const f = gradientFrame(42, 28, 90);
    const r = await service.infer({ model: 'test-da-like' }, [f], 42, 28);
    for (const [x, y] of [[0, 0], [41, 0], [13, 27], [30, 11]]) {
      const want = f16(linearOutput(da.fn, [x, y, 90], 1 / 255, IMAGENET_MEAN, IMAGENET_STD));
      near(r.frames[0][y * 42 + x], want);
    }
  });

  it('gives the same maps batched as frame by frame', async () => {
    const frames = [0, 1, 2, 3, 4].map((k) => gradientFrame(70, 40, 30 * k));
    const batched = await makeService(4).infer({ model: 'test-da-like' }, frames, 70, 40);
    const single = await makeService(1).infer({ model: 'test-da-like' }, frames, 70, 40);
    expect(batched.frames).toHaveLength(5);
    for (let i = 0; i < 5; i++) expect(batched.frames[i]).toEqual(single.frames[i]);
  });

  it('reuses one session per model, provider and thread count', async () => {
    const before = pool.size;
    await service.infer({ model: 'test-da-like', threads: 1 }, [solidFrame(28, 28, [1, 2, 3])], 28, 28);
    await service.infer({ model: 'test-da-like', threads: 1 }, [solidFrame(28, 28, [1, 2, 3])], 28, 28);
    expect(pool.size).toBe(before + 1);
  });

  it("frees a session on request (a depth thread's probe session), and makes a new one if it is asked for again", async () => {
    const frame = [solidFrame(28, 28, [1, 2, 3])];
    const first = await service.infer({ model: 'test-da-like', threads: 3 }, frame, 28, 28);
    const before = pool.size;
    const r = await service.store.resolve('test-da-like', 'auto');
    await service.releaseResolved(r, { model: 'test-da-like', inputSize: 0, provider: 'cpu', threads: 3, precision: 'auto' });
    expect(pool.size).toBe(before - 1);
    // Released sessions are gone for good: asking again loads a fresh one, with the same results.
    const again = await service.infer({ model: 'test-da-like', threads: 3 }, frame, 28, 28);
    expect(pool.size).toBe(before);
    expect(again.frames[0]).toEqual(first.frames[0]);
  });

  it('on the main thread too (--workers 0), says when a prepare really loads a model, not when the session is there', async () => {
    const own = new OnnxDepthService({ store: new ModelStore({ dirs: [dir], registry: readRegistry(), hashCacheFile: null }), pool: new SessionPool() });
    const heard: string[] = [];
    own.onModelLoad((e) => heard.push(`${e.model} ${e.state}`));
    await own.prepare({ model: 'test-da-like', threads: 2 });
    await own.prepare({ model: 'test-da-like', threads: 2 });
    expect(heard).toEqual(['test-da-like loading', 'test-da-like ready']);
    // An infer made that session: a prepare after it has nothing to load.
    await own.infer({ model: 'test-midas-like' }, [solidFrame(8, 8, [1, 2, 3])], 8, 8);
    await own.prepare({ model: 'test-midas-like' });
    expect(heard).toHaveLength(2);
  });

  it('honours inputSize', async () => {
    expect(await service.outputSize({ model: 'test-da-like', inputSize: 56 }, 100, 60)).toEqual({ width: 98, height: 56 });
  });
});

describe('OnnxDepthService on a MiDaS-like model ("0" [1,3,256,256] → "797" [1,256,256])', () => {
  it('stretches to 256x256 and matches bilinear enlargement of a ramp', async () => {
    const w = 64;
    const f = gradientFrame(w, w, 10);
    const r = await service.infer({ model: midas.path }, [f, f], w, w);
    expect([r.width, r.height, r.frames.length]).toEqual([256, 256, 2]);
    for (const [x, y] of [[10, 20], [128, 128], [200, 31]]) {
      // 4x enlargement: source coordinate (x + 0.5) / 4 - 0.5 in both axes.
      const sx = (x + 0.5) / 4 - 0.5;
      const sy = (y + 0.5) / 4 - 0.5;
      near(r.frames[0][y * 256 + x], f16(linearOutput(midas.fn, [sx, sy, 10], 1 / 255, IMAGENET_MEAN, IMAGENET_STD)));
    }
    expect(r.frames[1]).toEqual(r.frames[0]);
  });

  it('refuses an inputSize its fixed input cannot take', async () => {
    await expect(service.infer({ model: midas.path, inputSize: 384 }, [solidFrame(8, 8, [0, 0, 0])], 8, 8)).rejects.toMatchObject({ code: 'ANELO_E042_MODEL_MANIFEST' });
  });
});

describe('metric depth output', () => {
  it('becomes disparity 1 / depth, so near is larger', async () => {
    const r = await service.infer({ model: 'test-metric-depth' }, [solidFrame(32, 32, [51, 102, 255])], 32, 32);
    const depth = 1 + 1 * 0.2 + 2 * 0.4 + 3 * 1;
    near(r.frames[0][0], f16(1 / depth));
  });
});

describe('manifest checks against the model file', () => {
  it('names the file and the real input names when the manifest input name is wrong', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'anelo-bad-'));
    const file = path.join(d, 'renamed.onnx');
    copyFileSync(da.path, file);
    writeFileSync(`${file}.json`, JSON.stringify({ ...da.manifest, id: 'renamed', input: { ...(da.manifest.input as object), name: 'pixels' } }));
    const err = await service.infer({ model: file }, [solidFrame(28, 28, [0, 0, 0])], 28, 28).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E042_MODEL_MANIFEST' });
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('"pixels"');
    expect((err as Error).message).toContain('"pixel_values"');
  });

  it('refuses a model whose input rank does not fit NCHW', async () => {
    const bad = writeRank3Model(tempModelDir());
    const err = await service.infer({ model: bad.path }, [solidFrame(28, 28, [0, 0, 0])], 28, 28).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E042_MODEL_MANIFEST' });
    expect((err as Error).message).toMatch(/rank 3/);
  });

  it('asks for a manifest when an .onnx has none', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'anelo-nomf-'));
    const file = path.join(d, 'lonely.onnx');
    copyFileSync(da.path, file);
    await expect(service.modelKey({ model: file })).rejects.toMatchObject({ code: 'ANELO_E042_MODEL_MANIFEST' });
  });
});

describe('modelKey', () => {
  it('changes with the model file hash, never with threads', async () => {
    const k1 = await service.modelKey({ model: 'test-da-like', threads: 1 });
    const k2 = await service.modelKey({ model: 'test-da-like', threads: 2 });
    expect(k1).toBe(k2);
    expect(k1).toContain(da.sha256);
    const other = writeDepthAnythingLike(tempModelDir(), { weights: [0.5, -0.25, 0.126], bias: 2 });
    const k3 = await service.modelKey({ model: other.path, threads: 1 });
    expect(k3).not.toBe(k1);
    expect(k3).toContain(other.sha256);
  });

  it('changes with provider and input size', async () => {
    const base = await service.modelKey({ model: 'test-da-like' });
    expect(await service.modelKey({ model: 'test-da-like', provider: 'cuda' })).not.toBe(base);
    expect(await service.modelKey({ model: 'test-da-like', inputSize: 56 })).not.toBe(base);
  });
});

describe('a registry model that is not installed', () => {
  it('fails with ANELO_E040 saying where it looked and how to place it', async () => {
    const err = await service.infer({ model: 'depth-anything-v2-small' }, [solidFrame(8, 8, [0, 0, 0])], 8, 8).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E040_MODEL_MISSING' });
    const msg = (err as Error).message;
    expect(msg).toContain('https://huggingface.co/onnx-community/depth-anything-v2-small/resolve/main/onnx/model.onnx');
    expect(msg).toContain(dir);
    expect(msg).toContain('depth-anything-v2-small.onnx');
  });
});
