/**
 * How much the DepthService adds on top of bare inference: frames/s of `infer` over N video frames versus a
 * bare `session.run` loop on tensors prepared beforehand (same model, same threads). The difference is the cost
 * of resize + normalise + CHW, output split, depth→disparity and float16 rounding.
 *
 *   npx tsx bench/depth-overhead.ts [--frames 100] [--threads 2] [--chunk 8]
 *
 * Rows: FastDepth (real weights, 224x224, if found on ANELO_MODELS_DIR or ../shared/models), and a 1x1-conv model
 * with Depth Anything V2's contract at its real input size (1218x518 for a 640x272 frame), where inference is
 * nearly free, so pre/post-processing cost shows on its own.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OnnxDepthService } from '../server/depth/depth-service.ts';
import { modelSearchDirs } from '../server/depth/model-dirs.ts';
import { ModelStore } from '../server/depth/model-store.ts';
import { SessionPool } from '../server/depth/onnx-session.ts';
import { modelInputSize } from '../server/depth/model-input-size.ts';
import { postprocessOutput } from '../server/depth/postprocess.ts';
import { preprocessFrames } from '../server/depth/preprocess.ts';
import { readRawFrames } from '../test/helpers/raw-frames.ts';
import { sharedPath } from '../test/helpers/shared-data.ts';
import { gradientFrame, tempModelDir, writeDepthAnythingLike } from '../test/helpers/test-models.ts';

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('frames', 100);
const THREADS = arg('threads', 2);
const CHUNK = arg('chunk', 8);
const W = 640;
const H = 272;

async function loadFrames(): Promise<Uint8Array[]> {
  const video = sharedPath('media', 'bikes-cuts.mp4');
  const frames: Uint8Array[] = [];
  if (existsSync(video)) {
    for await (const f of readRawFrames(video, { width: W, height: H, maxFrames: N })) frames.push(f);
  }
  while (frames.length < N) frames.push(gradientFrame(W, H, frames.length % 256));
  return frames;
}

interface Row {
  model: string;
  size: string;
  serviceFps: number;
  bareFps: number;
  preMs: number;
  postMs: number;
}

async function measure(label: string, store: ModelStore, model: string, frames: Uint8Array[]): Promise<Row> {
  const pool = new SessionPool();
  const service = new OnnxDepthService({ store, pool, maxBatch: CHUNK });
  const params = { model, threads: THREADS };
  const r = await store.resolve(model);
  const size = modelInputSize(r.manifest.input, W, H);
  await service.infer(params, frames.slice(0, 2), W, H); // warm-up: session creation, first-run allocations

  // Bare loop: one pre-made tensor per frame, run one by one (what a fixed-batch model does anyway).
  const session = await pool.get({ path: r.path, sha256: r.sha256, provider: 'cpu', threads: THREADS });
  const tensors = frames.map((f) => preprocessFrames([f], W, H, size.width, size.height, r.manifest.input));
  const scratch = new Float32Array(tensors[0].length);
  let t = performance.now(); // timed on a second, warm pass
  for (const f of frames) preprocessFrames([f], W, H, size.width, size.height, r.manifest.input, scratch);
  const preMs = (performance.now() - t) / frames.length;
  const dims = [1, 3, size.height, size.width];
  const sample = await session.run(r.manifest.input.name, tensors[0], dims, r.manifest.output.name);
  t = performance.now();
  for (let i = 0; i < frames.length; i++) postprocessOutput(sample.data, 1, size.width, size.height, r.manifest.output);
  const postMs = (performance.now() - t) / frames.length;

  // Best of 3, alternating, so a busy neighbour on a shared machine skews both sides alike.
  let serviceS = Infinity;
  let bareS = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    t = performance.now();
    for (let i = 0; i < frames.length; i += CHUNK) await service.infer(params, frames.slice(i, i + CHUNK), W, H);
    serviceS = Math.min(serviceS, (performance.now() - t) / 1000);
    t = performance.now();
    for (const x of tensors) await session.run(r.manifest.input.name, x, dims, r.manifest.output.name);
    bareS = Math.min(bareS, (performance.now() - t) / 1000);
  }
  return { model: label, size: `${size.width}x${size.height}`, serviceFps: frames.length / serviceS, bareFps: frames.length / bareS, preMs, postMs };
}

const frames = await loadFrames();
const rows: Row[] = [];
const realDir = [...modelSearchDirs(), sharedPath('models')].find((d) => existsSync(path.join(d, 'fastdepth-nyu-224-f32.onnx')));
if (realDir) {
  const store = new ModelStore({ dirs: [realDir], hashCacheFile: null });
  rows.push(await measure('fastdepth-nyu-224 fp32', store, 'fastdepth-nyu-224', frames));
  rows.push(await measure('fastdepth-nyu-224 int8', store, path.join(realDir, 'fastdepth-nyu-224-int8.onnx'), frames));
}
const synthDir = tempModelDir();
writeDepthAnythingLike(synthDir, { weights: [0.3, 0.5, 0.2], bias: 1 }, { target: 518, id: 'bench-da-contract' });
rows.push(await measure('1x1 conv, DA-v2 contract', new ModelStore({ dirs: [synthDir], hashCacheFile: null }), 'bench-da-contract', frames));

console.log(`DepthService overhead: ${N} frames of ${W}x${H}, ${THREADS} threads, chunks of ${CHUNK}`);
console.log('| model | model input | service fps | bare session.run fps | overhead ms/frame | preprocess ms/frame | postprocess ms/frame |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const overhead = 1000 / r.serviceFps - 1000 / r.bareFps;
  console.log(`| ${r.model} | ${r.size} | ${r.serviceFps.toFixed(1)} | ${r.bareFps.toFixed(1)} | ${overhead.toFixed(2)} | ${r.preMs.toFixed(2)} | ${r.postMs.toFixed(2)} |`);
}
