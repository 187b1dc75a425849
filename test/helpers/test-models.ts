/**
 * Tiny ONNX depth models with the real I/O contracts of the registry's models, each computing a known linear
 * function of its normalised input channels (a 1x1 Conv: out = w·x + bias), so tests can predict outputs
 * exactly. Written to a temp folder with sidecar manifests, the way a user brings their own model.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { buildOnnxModel, type GraphDecl } from './onnx-builder.ts';

export type Vec3 = [number, number, number];

export interface LinearFn {
  weights: Vec3;
  bias: number;
}

export interface TestModel {
  path: string;
  manifestPath: string;
  manifest: Record<string, unknown>;
  sha256: string;
  fn: LinearFn;
}

export const IMAGENET_MEAN: Vec3 = [0.485, 0.456, 0.406];
export const IMAGENET_STD: Vec3 = [0.229, 0.224, 0.225];

export function tempModelDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'anelo-models-'));
}

/** 1x1 Conv over the 3 channels, then Squeeze of the channel axis when `squeeze` (N x H x W output). */
function linearGraph(input: string, inShape: (number | string)[], output: string, outShape: (number | string)[], fn: LinearFn, squeeze: boolean): GraphDecl {
  const conv = squeeze ? 'conv_out' : output;
  return {
    inputs: [{ name: input, shape: inShape }],
    outputs: [{ name: output, shape: outShape }],
    initializers: [
      { name: 'w', dims: [1, 3, 1, 1], data: Float32Array.from(fn.weights) },
      { name: 'b', dims: [1], data: Float32Array.of(fn.bias) },
    ],
    nodes: [
      { op: 'Conv', inputs: [input, 'w', 'b'], outputs: [conv], attrs: { kernel_shape: [1, 1] } },
      ...(squeeze ? [{ op: 'Squeeze', inputs: [conv], outputs: [output], attrs: { axes: [1] } }] : []),
    ],
  };
}

function write(dir: string, file: string, graph: GraphDecl, manifest: Record<string, unknown>, fn: LinearFn, sidecar: 'name' | 'file' = 'name'): TestModel {
  const bytes = buildOnnxModel(graph);
  const p = path.join(dir, file);
  writeFileSync(p, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const full = { bytes: bytes.length, sha256, file, ...manifest };
  const manifestPath = sidecar === 'file' ? `${p}.json` : p.replace(/\.onnx$/, '.json');
  writeFileSync(manifestPath, JSON.stringify(full, null, 2));
  return { path: p, manifestPath, manifest: full, sha256, fn };
}

const common = { family: 'test', license: 'MIT', name: 'test model' };

/**
 * Depth-Anything-V2-like: `pixel_values` [batch,3,H,W] with symbolic H/W → `predicted_depth` [batch,H,W],
 * relative disparity; keep-aspect size rule (short side `target`, multiple of 14). `batch` 1 makes the batch fixed.
 */
export function writeDepthAnythingLike(dir: string, fn: LinearFn, opts: { target?: number; batch?: number | string; id?: string; manifest?: Record<string, unknown> } = {}): TestModel {
  const batch = opts.batch ?? 'batch_size';
  const id = opts.id ?? 'test-da-like';
  const graph = linearGraph('pixel_values', [batch, 3, 'height', 'width'], 'predicted_depth', [batch, 'height', 'width'], fn, true);
  return write(dir, `${id}.onnx`, graph, { ...depthAnythingManifest(id, opts.target ?? 28), ...opts.manifest }, fn);
}

/** Depth Anything V2's I/O contract in a sidecar manifest, the input's short side at `target`. */
function depthAnythingManifest(id: string, target: number): Record<string, unknown> {
  return {
    ...common,
    id,
    input: {
      name: 'pixel_values', layout: 'NCHW', channels: 'RGB',
      size: { mode: 'keep-aspect', multipleOf: 14, side: 'short', target },
      resize: 'stretch', scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD,
    },
    output: { name: 'predicted_depth', kind: 'disparity', metric: false, nearIs: 'larger' },
  };
}

/**
 * Depth-Anything-like, but with real work in it: a 3x3 Conv to 16 feature maps, Relu, and a 1x1 Conv back to
 * one, so a batch spends tens of milliseconds inside onnxruntime's native run (the linear models return in well under
 * one). Its output is not predictable; tests use it for timing and thread behaviour only.
 */
export function writeSlowDepthModel(dir: string, opts: { id?: string; target?: number } = {}): TestModel {
  const id = opts.id ?? 'test-slow';
  const c = 16;
  const seq = (n: number, f: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => f(i));
  const graph: GraphDecl = {
    inputs: [{ name: 'pixel_values', shape: ['batch_size', 3, 'height', 'width'] }],
    outputs: [{ name: 'predicted_depth', shape: ['batch_size', 'height', 'width'] }],
    initializers: [
      { name: 'w1', dims: [c, 3, 3, 3], data: seq(c * 27, (i) => Math.sin(i) * 0.2) },
      { name: 'b1', dims: [c], data: seq(c, () => 0.1) },
      { name: 'w2', dims: [1, c, 1, 1], data: seq(c, (i) => 1 / (i + 1)) },
      { name: 'b2', dims: [1], data: Float32Array.of(1) },
    ],
    nodes: [
      { op: 'Conv', inputs: ['pixel_values', 'w1', 'b1'], outputs: ['features'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['features'], outputs: ['activated'] },
      { op: 'Conv', inputs: ['activated', 'w2', 'b2'], outputs: ['conv_out'], attrs: { kernel_shape: [1, 1] } },
      { op: 'Squeeze', inputs: ['conv_out'], outputs: ['predicted_depth'], attrs: { axes: [1] } },
    ],
  };
  return write(dir, `${id}.onnx`, graph, depthAnythingManifest(id, opts.target ?? 224), { weights: [0, 0, 0], bias: 0 });
}

/** MiDaS-v2.1-small-like: input "0" fixed [1,3,256,256] → output "797" [1,256,256]. Sidecar named `<file>.json`. */
export function writeMidasLike(dir: string, fn: LinearFn, id = 'test-midas-like'): TestModel {
  const graph = linearGraph('0', [1, 3, 256, 256], '797', [1, 256, 256], fn, true);
  return write(dir, `${id}.onnx`, graph, {
    ...common,
    id,
    input: {
      name: '0', layout: 'NCHW', channels: 'RGB', size: { mode: 'fixed', width: 256, height: 256 },
      resize: 'stretch', scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD,
    },
    output: { name: '797', kind: 'disparity', metric: false, nearIs: 'larger' },
  }, fn, 'file');
}

/** FastDepth-like metric depth: `input` [1,3,32,32], 0..1 values → `depth` [1,1,32,32] in metres (larger = farther). */
export function writeMetricDepthLike(dir: string, fn: LinearFn, id = 'test-metric-depth'): TestModel {
  const graph = linearGraph('input', [1, 3, 32, 32], 'depth', [1, 1, 32, 32], fn, false);
  return write(dir, `${id}.onnx`, graph, {
    ...common,
    id,
    input: {
      name: 'input', layout: 'NCHW', channels: 'RGB', size: { mode: 'fixed', width: 32, height: 32 },
      resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1],
    },
    output: { name: 'depth', kind: 'depth', metric: true, units: 'm', nearIs: 'smaller' },
  }, fn);
}

/** A model whose input has rank 3 ([3,H,W], no batch) while its manifest claims NCHW: must be refused. */
export function writeRank3Model(dir: string, id = 'test-rank3'): TestModel {
  const fn: LinearFn = { weights: [1, 0, 0], bias: 0 };
  const graph: GraphDecl = {
    inputs: [{ name: 'pixel_values', shape: [3, 'height', 'width'] }],
    outputs: [{ name: 'predicted_depth', shape: [3, 'height', 'width'] }],
    nodes: [{ op: 'Identity', inputs: ['pixel_values'], outputs: ['predicted_depth'] }],
  };
  return write(dir, `${id}.onnx`, graph, {
    ...common,
    id,
    input: {
      name: 'pixel_values', layout: 'NCHW', channels: 'RGB', size: { mode: 'keep-aspect', multipleOf: 14, side: 'short', target: 28 },
      resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1],
    },
    output: { name: 'predicted_depth', kind: 'disparity', metric: false, nearIs: 'larger' },
  }, fn);
}

/** What the linear model outputs for one pixel value per channel (0..255) after scale and mean/std. */
export function linearOutput(fn: LinearFn, rgb: Vec3, scale: number, mean: Vec3, std: Vec3): number {
  let v = fn.bias;
  for (let c = 0; c < 3; c++) v += fn.weights[c] * ((rgb[c] * scale - mean[c]) / std[c]);
  return v;
}

/** A frame of one colour. */
export function solidFrame(width: number, height: number, rgb: Vec3): Uint8Array {
  const f = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) f.set(rgb, i * 3);
  return f;
}

/** A frame whose red channel rises with x, green with y, blue constant. */
export function gradientFrame(width: number, height: number, blue = 50): Uint8Array {
  const f = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      f[i] = x % 256;
      f[i + 1] = y % 256;
      f[i + 2] = blue;
    }
  }
  return f;
}
