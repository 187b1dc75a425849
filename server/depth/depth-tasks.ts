/** What a depth thread does (see depth-thread.ts): one batch of frames through a model resolved by the main thread. */
import { readFileSync } from 'node:fs';
import { frameCollector, framesBytes } from '../engine/pool/frame-collector.ts';
import { toTaskError, type TaskError } from '../engine/pool/task-error.ts';
import type { AnalysisView, DepthResult } from '../../nodes/core/types.ts';
import type { DepthParams } from './depth-params.ts';
import { OnnxDepthService, type InferenceMeter } from './depth-service.ts';
import { IntraOpChoice, linuxThreadClock } from './intra-op-choice.ts';
import { modelInputSize } from './model-input-size.ts';
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
  /**
   * `params.threads` is this thread's share of the cores, not the node's own setting: a model cheap enough runs on
   * one onnxruntime thread instead (intra-op-choice.ts).
   */
  offered?: boolean;
}

export type InferTaskResult =
  | { ok: true; result: DepthResult }
  | { ok: false; error: TaskError };

// Sessions live in this thread's own pool, created on first use and reused by every later task.
const service = new OnnxDepthService();
const clock = linuxThreadClock((file) => readFileSync(file, 'utf8'));
const choice = new IntraOpChoice();

/** Every 32 MiB of frames handed to this thread, it collects: the frames are the decoder's, shared (see frame-collector.ts). */
const collector = frameCollector(32 * 2 ** 20);

export type PrepareTaskResult = { ok: true } | { ok: false; error: TaskError };

/** Which intra-op choice a model at a size is: its cost a frame depends on both. */
const choiceKey = (task: Pick<InferTask, 'model' | 'params' | 'width' | 'height'>): string => {
  const size = modelInputSize(task.model.manifest.input, task.width, task.height, task.params.inputSize);
  return `${task.model.sha256}|${size.width}x${size.height}`;
};

/** Whether the task's threads are an offer this thread may turn down (a CPU session and more than one thread). */
const mayChoose = (task: Pick<InferTask, 'params' | 'offered'>): boolean => !!task.offered && task.params.provider === 'cpu' && task.params.threads > 1;

/**
 * Loads the session a later `infer` of the same model and params uses (see ThreadedDepthService.prepare): with an
 * offer of threads, the one-thread session the first frames are measured on, unless the model was measured dear.
 */
export async function prepare(task: Pick<InferTask, 'model' | 'params' | 'offered'>): Promise<PrepareTaskResult> {
  try {
    const probe = mayChoose(task) && choice.model(task.model.sha256) !== false;
    await service.prepareResolved(task.model, probe ? { ...task.params, threads: 1 } : task.params);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: toTaskError(e) };
  }
}

export async function infer(task: InferTask): Promise<InferTaskResult> {
  collector.saw(framesBytes(task.frames));
  try {
    const p = task.params;
    const run = async (frames: Uint8Array[], threads: number, measure: boolean): Promise<{ result: DepthResult; cpuMs?: number }> => {
      const meter: InferenceMeter | undefined = measure ? { clock } : undefined;
      const result = await service.inferResolved(task.model, { ...p, threads }, frames, task.width, task.height, undefined, task.at, task.view, meter);
      return { result, cpuMs: meter?.cpuMs };
    };
    if (!mayChoose(task)) return { ok: true, result: (await run(task.frames, p.threads, false)).result };
    const key = choiceKey(task);
    const undecided = choice.choice(key) === undefined;
    const parts = await choice.run(key, task.frames, p.threads, run);
    // Measured dear: the one-thread session will not run again in this thread. Freeing it is housekeeping: if
    // onnxruntime refuses, the memory stays until the thread ends, and the frames (already made) are not lost.
    if (undecided && choice.choice(key) === false) await service.releaseResolved(task.model, { ...p, threads: 1 }).catch(() => {});
    const first = parts[0];
    return { ok: true, result: { width: first.width, height: first.height, frames: parts.flatMap((r) => r.frames), stats: parts.flatMap((r) => r.stats ?? []) } };
  } catch (e) {
    return { ok: false, error: toTaskError(e) };
  }
}
