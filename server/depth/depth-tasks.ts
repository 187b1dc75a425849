/** What a depth thread does (see depth-thread.ts): one batch of frames through a model resolved by the main thread. */
import { toAneloError } from '../../nodes/core/errors.ts';
import type { DepthResult } from '../../nodes/core/types.ts';
import type { DepthParams } from './depth-params.ts';
import { OnnxDepthService } from './depth-service.ts';
import type { ResolvedModel } from './model-store.ts';

export interface InferTask {
  model: ResolvedModel;
  params: DepthParams;
  frames: Uint8Array[];
  width: number;
  height: number;
}

export type InferTaskResult =
  | { ok: true; result: DepthResult }
  | { ok: false; error: { code: string; message: string; where: Record<string, unknown> } };

// Sessions live in this thread's own pool, created on first use and reused by every later task.
const service = new OnnxDepthService();

export async function infer(task: InferTask): Promise<InferTaskResult> {
  try {
    return { ok: true, result: await service.inferResolved(task.model, task.params, task.frames, task.width, task.height) };
  } catch (e) {
    const err = toAneloError(e);
    return { ok: false, error: { code: err.code, message: err.message, where: { ...err.where } } };
  }
}
