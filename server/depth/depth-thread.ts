/**
 * Depth inference on a thread of its own. onnxruntime-node runs a session synchronously inside the calling thread
 * (its `run` is a setImmediate around the native call), so on the main thread every batch froze the server's
 * event loop for the whole inference — hundreds of ms per chunk at 720p. Here the main thread only resolves the
 * model (cached file hashes) and posts frames, which travel in SharedArrayBuffers when decode made them so;
 * resizing, normalisation, the model, disparity conversion and the per-frame stats all run on the depth thread.
 */
import os from 'node:os';
import { AneloError } from '../../nodes/core/errors.ts';
import type { AnalysisView, DepthResult, DepthService, ModelLoadEvent } from '../../nodes/core/types.ts';
import { ThreadPool } from '../engine/pool/node-pool.ts';
import { fromTaskError } from '../engine/pool/task-error.ts';
import { readDepthParams, type DepthParams } from './depth-params.ts';
import { OnnxDepthService } from './depth-service.ts';
import type { InferTask, InferTaskResult, PrepareTaskResult } from './depth-tasks.ts';
import { ModelLoads } from './model-loads.ts';
import { ModelStore, type ResolvedModel } from './model-store.ts';
import { shrinkForModel } from './preprocess.ts';

/** Frames per task: a cancel waits for at most one task, and progress moves each time one returns. */
const FRAMES_PER_TASK = 4;
/** A loaded session lives as long as its thread: keep it through pauses between previews. */
const IDLE_MS = 10 * 60_000;

export interface ThreadedDepthServiceOptions {
  store?: ModelStore;
  /** Depth threads, each with its own onnxruntime sessions; default one under four cores, else two (depthThreadPlan). */
  threads?: number;
  /** Cores to share out (default: this machine's). */
  cores?: number;
  /** How long an idle depth thread stays (and the models it loaded with it); default 10 minutes. */
  idleMs?: number;
}

/**
 * How the cores are shared: under four cores, one depth thread whose onnxruntime session splits each batch over
 * the cores (intra-op); from four, two depth threads (two batches in flight), the cores split between them. A node's
 * own `threads` param sets the intra-op threads instead. Pool threads and x264 take the same cores when they have
 * work; no thread spins while it waits (onnx-session.ts).
 *
 * Why one under four: on 2 cores two single-threaded sessions used about twice the CPU a frame of one session split
 * over both (FastDepth on 720p frames: 42–49 fps and 1.7–1.9 s of CPU for 48 frames, against 63–71 fps and 1.0–1.2
 * s; a 3-layer 32-channel conv model at 224: 16–18 fps against 28–31 fps), and in a whole 1080p render the second
 * thread's batches in flight and its own isolate and session cost 8–16 % of the wall time and ~20 % of the peak memory.
 * The intra-op threads are an offer: a model whose inference costs little a frame runs on one (intra-op-choice.ts).
 */
export function depthThreadPlan(cores: number, threads?: number): { threads: number; intraOp: number } {
  const t = Math.max(1, threads ?? (cores >= 4 ? 2 : 1));
  return { threads: t, intraOp: Math.max(1, Math.floor(cores / t)) };
}

/** Which session a prepare or an infer of `model` with these params loads on a depth thread. */
function sessionKey(model: ResolvedModel, p: DepthParams, offered: boolean): string {
  return JSON.stringify([model.path, model.sha256, p.provider, p.threads, offered]);
}

export class ThreadedDepthService implements DepthService {
  readonly store: ModelStore;
  private readonly local: OnnxDepthService;
  readonly threads: number;
  private readonly intraOp: number;
  private readonly idleMs: number;
  private pool?: ThreadPool;
  private readonly loads = new ModelLoads();
  /**
   * Sessions the threads have (a prepare or an infer of them succeeded), with the pool's count of ended threads then:
   * once a thread has ended since (the threads go after 10 minutes idle), the next prepare loads the model again.
   */
  private readonly loadedWhen = new Map<string, number>();

  constructor(opts: ThreadedDepthServiceOptions = {}) {
    this.store = opts.store ?? new ModelStore();
    this.local = new OnnxDepthService({ store: this.store });
    const plan = depthThreadPlan(opts.cores ?? os.availableParallelism(), opts.threads);
    this.threads = plan.threads;
    this.intraOp = plan.intraOp;
    this.idleMs = opts.idleMs ?? IDLE_MS;
  }

  modelKey(params: Record<string, unknown>): Promise<string> {
    return this.local.modelKey(params);
  }

  outputSize(params: Record<string, unknown>, width: number, height: number): Promise<{ width: number; height: number }> {
    return this.local.outputSize(params, width, height);
  }

  /**
   * Starts the depth threads and loads the model's session on each, one task per thread (a session is per thread).
   * Started as a run is planned, this takes the threads' start and the model's load off the first frames' path: in
   * a 1080p run the first depth chunk came 2.7 s after its frames had been decoded, against 1.4 s on the main thread.
   */
  async prepare(params: Record<string, unknown>): Promise<void> {
    const { params: p, offered } = this.withThreads(params);
    const model = await this.store.resolve(p.model, p.precision);
    const pool = this.threadPool();
    const key = sessionKey(model, p, offered);
    const threadsEnded = pool.threadsEnded;
    await this.loads.track(p.model, key, this.loadedWhen.get(key) === threadsEnded, async () => {
      const loaded = await Promise.all(Array.from({ length: this.threads }, () => pool.run<PrepareTaskResult>({ model, params: p, offered }, 'prepare')));
      for (const r of loaded) if (!r.ok) throw fromTaskError(r.error);
    });
    this.loadedWhen.set(key, threadsEnded);
  }

  onModelLoad(fn: (e: ModelLoadEvent) => void): () => void {
    return this.loads.on(fn);
  }

  /**
   * The params as a thread runs them: the node's intra-op threads, else this service's share of the cores, offered
   * (a thread runs a cheap model on one; see intra-op-choice.ts).
   */
  private withThreads(params: Record<string, unknown>): { params: DepthParams; offered: boolean } {
    const given = readDepthParams(params);
    return given.threads > 0 ? { params: given, offered: false } : { params: { ...given, threads: this.intraOp }, offered: true };
  }

  private threadPool(): ThreadPool {
    return (this.pool ??= new ThreadPool(new URL('./depth-worker.mjs', import.meta.url), this.threads, this.idleMs));
  }

  async infer(params: Record<string, unknown>, frames: Uint8Array[], width: number, height: number, signal?: AbortSignal, view?: AnalysisView, order = Infinity): Promise<DepthResult> {
    const { params: p, offered } = this.withThreads(params);
    const model = await this.store.resolve(p.model, p.precision);
    const pool = this.threadPool();
    const threadsEnded = pool.threadsEnded;
    // Shrunk here: libvips works on libuv's threads, and the depth threads must not load it (see vips-image.ts).
    const size = await this.local.outputSize(params, width, height);
    const shrunk = await shrinkForModel(frames, width, height, size.width, size.height);
    const at = { width: shrunk.width, height: shrunk.height };
    const tasks: Uint8Array[][] = [];
    for (let i = 0; i < frames.length; i += FRAMES_PER_TASK) tasks.push(shrunk.frames.slice(i, i + FRAMES_PER_TASK));
    if (tasks.length === 0) return { ...(await this.local.outputSize(params, width, height)), frames: [], stats: [] };
    if (signal?.aborted) throw cancelled();
    // Every batch joins the threads' line at once, ranked by `order`: each call's batches used to take turns with
    // every other call's, so a run's first chunk, which everything downstream waits for, finished behind the chunks
    // read ahead of it (in a 640x272 render its last batch came back ~2 s after the run started, after four other
    // chunks' first ones). A cancel, or one batch's failure, takes this call's waiting batches out of the line.
    const gone = new AbortController();
    const onAbort = (): void => gone.abort(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const results = await Promise.all(
        tasks.map(async (batch) => {
          const task = pool
            .run<InferTaskResult>({ model, params: p, frames: batch, width, height, at, view, offered } satisfies InferTask, 'infer', { priority: order, signal: gone.signal })
            .catch((e: unknown) => {
              throw pool.closed ? closedWhileRunning() : e;
            });
          const r = await untilAborted(task, signal);
          if (!r.ok) throw fromTaskError(r.error);
          return r.result;
        }),
      ).catch((e: unknown) => {
        gone.abort(cancelled());
        throw e;
      });
      // The threads have the session now, however it was loaded: a later prepare finds it (no 'loading' to show).
      this.loadedWhen.set(sessionKey(model, p, offered), threadsEnded);
      return { width: results[0].width, height: results[0].height, frames: results.flatMap((r) => r.frames), stats: results.flatMap((r) => r.stats!) };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the depth threads once each has finished the batch it is running (see ThreadPool.close). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}

const cancelled = (): AneloError => new AneloError('ANELO_E030_CANCELLED', 'Run cancelled');
const closedWhileRunning = (): AneloError =>
  new AneloError('ANELO_E036_WORKER_DIED', 'depth inference stopped: the depth threads were closed (anelo is shutting down)');

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
