/**
 * Checks a manifest against what the loaded model file declares (input/output names, ranks, fixed sizes)
 * before anything runs, so a wrong sidecar fails with a clear ANELO_E042 rather than an onnxruntime error
 * mid-run, or worse, a silently wrong depth map.
 */
import { AneloError } from '../../nodes/core/errors.ts';
import type { ModelManifest } from './model-manifest.ts';
import type { TensorMeta } from './onnx-session.ts';

export interface ModelIo {
  /** The batch dimension is symbolic: several frames go in one run. */
  batchDynamic: boolean;
  /** Spatial size the file fixes, when it does. */
  fixedSize: { width: number; height: number } | null;
}

const isDynamic = (d: number | string | undefined): boolean => typeof d === 'string' || d === undefined || d < 0;

/** Throws ANELO_E042 naming `file` and the first mismatch. */
export function checkModelIo(m: ModelManifest, io: { inputs: readonly TensorMeta[]; outputs: readonly TensorMeta[] }, file: string): ModelIo {
  const fail = (what: string): never => {
    throw new AneloError('ANELO_E042_MODEL_MANIFEST', `${file}: ${what}`, { param: 'model', file });
  };
  const list = (ts: readonly TensorMeta[]) => ts.map((t) => `"${t.name}" [${t.shape.join(',')}]`).join(', ');
  const input = io.inputs.find((t) => t.name === m.input.name);
  if (!input) fail(`the manifest names input "${m.input.name}", but the model's inputs are ${list(io.inputs)}`);
  const output = io.outputs.find((t) => t.name === m.output.name);
  if (!output) fail(`the manifest names output "${m.output.name}", but the model's outputs are ${list(io.outputs)}`);
  const inp = input as TensorMeta;
  const out = output as TensorMeta;
  if (inp.type !== 'float32' && inp.type !== 'unknown') fail(`input "${inp.name}" is ${inp.type}; anelo feeds float32`);
  const s = inp.shape;
  if (s.length !== 0 && s.length !== 4) fail(`input "${inp.name}" has rank ${s.length} [${s.join(',')}], but layout NCHW needs rank 4`);
  if (s.length === 4 && !isDynamic(s[1]) && s[1] !== 3) fail(`input "${inp.name}" has ${s[1]} channels, expected 3`);
  const fixedH = s.length === 4 && !isDynamic(s[2]) ? (s[2] as number) : null;
  const fixedW = s.length === 4 && !isDynamic(s[3]) ? (s[3] as number) : null;
  const size = m.input.size;
  if (fixedH !== null || fixedW !== null) {
    if (size.mode !== 'fixed') fail(`input "${inp.name}" has a fixed size [${s.join(',')}], but the manifest says keep-aspect`);
    else if ((fixedW !== null && fixedW !== size.width) || (fixedH !== null && fixedH !== size.height)) {
      fail(`input "${inp.name}" is [${s.join(',')}], but the manifest says ${size.width}x${size.height}`);
    }
  }
  const o = out.shape;
  if (o.length !== 0 && o.length !== 3 && o.length !== 4) fail(`output "${out.name}" has rank ${o.length} [${o.join(',')}]; expected N x H x W or N x 1 x H x W`);
  if (o.length === 4 && !isDynamic(o[1]) && o[1] !== 1) fail(`output "${out.name}" has ${o[1]} channels, expected 1`);
  return {
    batchDynamic: s.length === 4 && isDynamic(s[0]),
    fixedSize: fixedW !== null && fixedH !== null ? { width: fixedW, height: fixedH } : null,
  };
}
