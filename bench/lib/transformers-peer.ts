/**
 * The peer: @huggingface/transformers' `depth-estimation` pipeline on the SAME .onnx file, offline. It wants a
 * model folder (config.json, preprocessor_config.json, onnx/model.onnx); the preprocessor config is written to do
 * what anelo's depth stage does (the same target size, bilinear resize, 1/255, the manifest's mean/std).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PeerPipeline {
  /** Depth at the frame's own size (the pipeline upsamples its output bilinearly). */
  run(frame: Uint8Array, width: number, height: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

interface ContractManifest {
  input: { mean: number[]; std: number[]; scale: number };
}

/** Lays out a transformers.js model folder for a model with Depth Anything's contract; returns its model id. */
export function writePeerModelDir(root: string, onnxPath: string, manifestPath: string, size: { width: number; height: number }): string {
  const id = 'bench-depth-anything';
  const dir = path.join(root, id);
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  copyFileSync(onnxPath, path.join(dir, 'onnx', 'model.onnx'));
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ContractManifest;
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'depth_anything', architectures: ['DepthAnythingForDepthEstimation'] }));
  writeFileSync(
    path.join(dir, 'preprocessor_config.json'),
    JSON.stringify({
      image_processor_type: 'DPTImageProcessor',
      do_resize: true,
      // The exact size anelo's keep-aspect rule gives for this clip, so both run the model on the same tensor shape.
      size: { width: size.width, height: size.height },
      keep_aspect_ratio: false,
      resample: 2,
      do_rescale: true,
      rescale_factor: manifest.input.scale,
      do_normalize: true,
      image_mean: manifest.input.mean,
      image_std: manifest.input.std,
    }),
  );
  return id;
}

export async function createPeerPipeline(modelsRoot: string, id: string, threads: number): Promise<PeerPipeline> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = modelsRoot.endsWith(path.sep) ? modelsRoot : modelsRoot + path.sep;
  tf.env.useFSCache = false;
  const pipe = await tf.pipeline('depth-estimation', id, {
    device: 'cpu',
    dtype: 'fp32',
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  });
  return {
    async run(frame, width, height) {
      const image = new tf.RawImage(frame, width, height, 3);
      const out = (await pipe(image)) as { predicted_depth: { data: Float32Array; dims: number[] } };
      return out.predicted_depth.data;
    },
    dispose: () => pipe.dispose(),
  };
}
