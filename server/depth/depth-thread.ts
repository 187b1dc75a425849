/**
 * Depth inference on a thread of its own. onnxruntime-node runs a session synchronously inside the calling thread
 * (its `run` is a setImmediate around the native call), so on the main thread every batch froze the server's
 * event loop for the whole inference — hundreds of ms per chunk at 720p. Here the main thread only resolves the
 * model (cached file hashes) and posts frames, which travel in SharedArrayBuffers when decode made them so;
 * resizing, normalisation, the model, disparity conversion and the per-frame stats all run on the depth thread.
 */
import { AneloError, type ErrorCode } from '../../nodes/core/errors.ts';
import type { DepthResult, DepthService } from '../../nodes/core/types.ts';
import { ThreadPool } from '../engine/pool/node-pool.ts';
import { readDepthParams } from './depth-params.ts';
import { OnnxDepthService } from './depth-service.ts';
import type { InferTask, InferTaskResult } from './depth-tasks.ts';
import { ModelStore } from './model-store.ts';

/** Frames per task: a cancel waits for at most one task, and progress moves each time one returns. */
const FRAMES_PER_TASK = 4;
/** A loaded session lives as long as its thread: keep it through pauses between previews. */
const IDLE_MS = 10 * 60_000;

export interface ThreadedDepthServiceOptions {
  store?: ModelStore;
  /** Threads, each with its own onnxruntime sessions (and onnxruntime's own intra-op threads). */
  threads?: number;
}

export class ThreadedDepthService implements DepthService {
  readonly store: ModelStore;
  private readonly local: OnnxDepthService;
  private readonly threads: number;
  private pool?: ThreadPool;

  constructor(opts: ThreadedDepthServiceOptions = {}) {
    this.store = opts.store ?? new ModelStore();
    this.local = new OnnxDepthService({ store: this.store });
    this.threads = Math.max(1, opts.threads ?? 1);
  }

  modelKey(params: Record<string, unknown>): Promise<string> {
    return this.local.modelKey(params);
  }

  outputSize(params: Record<string, unknown>, width: number, height: number): Promise<{ width: number; height: number }> {
    return this.local.outputSize(params, width, height);
  }

  async infer(params: Record<string, unknown>, frames: Uint8Array[], width: number, height: number, signal?: AbortSignal): Promise<DepthResult> {
    const p = readDepthParams(params);
    const model = await this.store.resolve(p.model, p.precision);
    this.pool ??= new ThreadPool(new URL('./depth-worker.mjs', import.meta.url), this.threads, IDLE_MS);
    const out: DepthResult = { width: 0, height: 0, frames: [], stats: [] };
    for (let i = 0; i < frames.length; i += FRAMES_PER_TASK) {
      if (signal?.aborted) throw cancelled();
      const task: InferTask = { model, params: p, frames: frames.slice(i, i + FRAMES_PER_TASK), width, height };
      const r = await untilAborted(this.pool.run<InferTaskResult>(task, 'infer'), signal);
      if (!r.ok) throw new AneloError(r.error.code as ErrorCode, r.error.message, r.error.where);
      out.width = r.result.width;
      out.height = r.result.height;
      out.frames.push(...r.result.frames);
      out.stats!.push(...r.result.stats!);
    }
    if (frames.length === 0) Object.assign(out, await this.local.outputSize(params, width, height));
    return out;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}

const cancelled = (): AneloError => new AneloError('ANELO_E030_CANCELLED', 'Run cancelled');

/**
 * The task's result, or a cancel as soon as the signal fires: the batch on the thread finishes on its own (well
 * under a second) and is dropped, rather than terminating the thread and reloading the model.
 */
function untilAborted<T>(task: Promise<T>, signal?: AbortSignal): Promise<T> {
  const wrapped = task.catch((e: unknown) => {
    if (e instanceof AneloError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new AneloError('ANELO_E036_WORKER_DIED', `the depth thread stopped: ${why}`, {}, undefined, e);
  });
  if (!signal) return wrapped;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    wrapped.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    // A dropped task's own failure must not surface as an unhandled rejection.
    wrapped.catch(() => {});
  });
}
