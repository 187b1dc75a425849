/**
 * The depth models a bench run uses. Real weights: FastDepth (f32, int8) when a folder on ANELO_MODELS_DIR (default
 * ../shared/models) holds them — the only real weights available here. Otherwise, and always for the peer case,
 * the test helpers' 1x1-conv model with Depth Anything V2's contract (`pixel_values` → `predicted_depth`).
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { modelSearchDirs } from '../../server/depth/model-dirs.ts';
import { sharedPath } from '../../test/helpers/shared-data.ts';
import { tempModelDir, writeDepthAnythingLike } from '../../test/helpers/test-models.ts';
import type { Scale } from './options.ts';

export interface BenchModel {
  /** Short name for tables. */
  label: string;
  /** The depth node's `model` param: a path to an .onnx with a sidecar manifest. */
  model: string;
  real: boolean;
  description: string;
}

const FASTDEPTH_F32 = 'fastdepth-nyu-224-f32.onnx';
const FASTDEPTH_INT8 = 'fastdepth-nyu-224-int8.onnx';

/** The first model folder holding FastDepth, or undefined. */
export function realModelsDir(): string | undefined {
  return [...modelSearchDirs(), sharedPath('models')].find((d) => existsSync(path.join(d, FASTDEPTH_F32)));
}

export function realModels(): BenchModel[] {
  const dir = realModelsDir();
  if (!dir) return [];
  const out: BenchModel[] = [
    { label: 'FastDepth f32', model: path.join(dir, FASTDEPTH_F32), real: true, description: `FastDepth NYU 224x224 f32 (${path.join(dir, FASTDEPTH_F32)})` },
  ];
  if (existsSync(path.join(dir, FASTDEPTH_INT8))) {
    out.push({ label: 'FastDepth int8', model: path.join(dir, FASTDEPTH_INT8), real: true, description: `FastDepth NYU 224x224 int8 (${path.join(dir, FASTDEPTH_INT8)})` });
  }
  return out;
}

/** Short side the DA-contract test model sees: 518 as Depth Anything V2 small (pre/post cost at real size), tiny: 56. */
export const daTarget = (scale: Scale): number => (scale === 'tiny' ? 56 : 518);

let daModel: BenchModel | undefined;

/** The 1x1-conv test model with Depth Anything V2's contract (written once per process to a temp folder). */
export function daContractModel(scale: Scale): BenchModel {
  if (daModel) return daModel;
  const target = daTarget(scale);
  const m = writeDepthAnythingLike(tempModelDir(), { weights: [0.3, 0.5, 0.2], bias: 1 }, { target, id: 'bench-da-contract' });
  daModel = {
    label: `test model (DA-v2 contract, ${target})`,
    model: m.path,
    real: false,
    description: `1x1-conv ONNX with Depth Anything V2's I/O contract (pixel_values → predicted_depth, short side ${target}, multiple of 14), built by test/helpers/test-models.ts`,
  };
  return daModel;
}

/** Removes the DA-contract model's temp folder, if this process wrote one (a bench run's end). */
export function removeDaContractModel(): void {
  if (!daModel) return;
  rmSync(path.dirname(daModel.model), { recursive: true, force: true });
  daModel = undefined;
}

/** The model graph runs use: FastDepth f32 when present (and not tiny), else the DA-contract test model. */
export function primaryModel(scale: Scale): BenchModel {
  if (scale !== 'tiny') {
    const real = realModels()[0];
    if (real) return real;
  }
  return daContractModel(scale);
}
