/** What a depth thread does (see depth-thread.ts): one batch of frames through a model resolved by the main thread. */
import { frameCollector, framesBytes } from '../engine/pool/frame-collector.ts';
import { toTaskError, type TaskError } from '../engine/pool/task-error.ts';
import type { AnalysisView, DepthResult } from '../../nodes/core/types.ts';
import type { DepthParams } from './depth-params.ts';
import { OnnxDepthService } from './depth-service.ts';
import type { ResolvedModel } from './model-store.ts';

export interface InferTask {
  model: ResolvedModel;
  params: DepthParams;
  frames: Uint8Array[];
  /** The source's size, which decides the model input's. */
  width: number;
  height: number;
  /** The frames' own size: the source's, or the model input's when the main thread shrank them (shrinkForModel). */
  at: { width: number; height: number };
  /** The frames hold an HDR signal the model sees mapped to SDR. */
  view?: AnalysisView;
}

export type InferTaskResult =
  | { ok: true; result: DepthResult }
  | { ok: false; error: TaskError };

// Sessions live in this thread's own pool, created on first use and reused by every later task.
const service = new OnnxDepthService();

/** Every 32 MiB of frames handed to this thread, it collects: the frames are the decoder's, shared (see frame-collector.ts). */
const collector = frameCollector(32 * 2 ** 20);

export type PrepareTaskResult = { ok: true } | { ok: false; error: TaskError };

/** Loads the session a later `infer` of the same model and params uses (see ThreadedDepthService.prepare). */
export async function prepare(task: Pick<InferTask, 'model' | 'params'>): Promise<PrepareTaskResult> {
  try {
    await service.prepareResolved(task.model, task.params);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: toTaskError(e) };
  }
}

export async function infer(task: InferTask): Promise<InferTaskResult> {
  collector.saw(framesBytes(task.frames));
  try {
    return { ok: true, result: await service.inferResolved(task.model, task.params, task.frames, task.width, task.height, undefined, task.at, task.view) };
  } catch (e) {
    return { ok: false, error: toTaskError(e) };
  }
}
