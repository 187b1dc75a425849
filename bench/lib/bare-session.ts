/**
 * The physical-limit reference: onnxruntime-node's session.run in a loop over tensors made before the clock starts
 * (frames decoded and resized beforehand), same model file and thread count as the graph's depth node.
 */
import ort from 'onnxruntime-node';
import { ModelStore } from '../../server/depth/model-store.ts';
import { modelInputSize } from '../../server/depth/model-input-size.ts';
import { preprocessFrames } from '../../server/depth/preprocess.ts';
import { readAllFrames } from '../../test/helpers/raw-frames.ts';

export interface BareResult {
  fps: number;
  frames: number;
  inputSize: string;
  msPerFrame: number;
}

/** Frames/s of session.run alone over `frames` frames of `clip` at `width`x`height` (best of `reps`). */
export async function bareSessionFps(modelPath: string, clip: string, width: number, height: number, frames: number, threads: number, reps = 2): Promise<BareResult> {
  const store = new ModelStore({ hashCacheFile: null });
  const r = await store.resolve(modelPath);
  const size = modelInputSize(r.manifest.input, width, height);
  const rgb = await readAllFrames(clip, { width, height, maxFrames: frames });
  const tensors = rgb.map((f) => preprocessFrames([f], width, height, size.width, size.height, r.manifest.input));
  const session = await ort.InferenceSession.create(r.path, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    interOpNumThreads: 1,
    intraOpNumThreads: threads,
  });
  const dims = [1, 3, size.height, size.width];
  const feed = (t: Float32Array) => ({ [r.manifest.input.name]: new ort.Tensor('float32', t, dims) });
  await session.run(feed(tensors[0]), [r.manifest.output.name]);
  let best = Infinity;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    for (const t of tensors) await session.run(feed(t), [r.manifest.output.name]);
    best = Math.min(best, performance.now() - t0);
  }
  await session.release();
  return { fps: (tensors.length * 1000) / best, frames: tensors.length, inputSize: `${size.width}x${size.height}`, msPerFrame: best / tensors.length };
}
