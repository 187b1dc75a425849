/**
 * The worker-thread pool for pure pixel work (the one importer of piscina). Nodes that declare `threads: 'pool'`
 * run here over frame ranges; chunks travel in SharedArrayBuffers. Cancelling a task terminates its worker, so a
 * cancelled run leaves no thread computing for it. `ThreadPool` gives other heavy work (depth inference) threads of
 * its own on the same library.
 */
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { AneloError } from '../../../nodes/core/errors.ts';
import type { Chunk } from '../../../nodes/core/types.ts';
import type { RunNodeResult, RunNodeTask } from './node-tasks.ts';
import { toShared } from './shared-chunk.ts';
import { noteFrameHashes } from '../chunk-codec.ts';
import { fromTaskError } from './task-error.ts';
import { threadBundle } from './thread-bundle.ts';
import type { PreviewPngTask } from '../../http/render/preview-png.ts';
import type { RgbImage } from '../../http/render/chunk-to-png.ts';

export const SHIPPED_DEFINITIONS = new URL('../../../nodes/index.ts', import.meta.url).href;

/** Threads when nothing says otherwise: one per core (`ANELO_WORKERS` or `--workers` set it; 0 = main thread only). */
export function defaultWorkerCount(): number {
  const env = process.env.ANELO_WORKERS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 0 && n <= 256) return n;
    throw new AneloError('ANELO_E050_BAD_ARGUMENT', `ANELO_WORKERS must be a whole number 0..256, got "${env}"`, { param: 'ANELO_WORKERS' });
  }
  return os.availableParallelism();
}

export interface PoolRunRequest extends Omit<RunNodeTask, 'progress' | 'definitionsModule'> {
  definitionsModule?: string;
  signal: AbortSignal;
  onProgress(done: number): void;
  /** Lower runs first among tasks waiting for a thread (see NodePool); default: after everything a caller ranked. */
  priority?: number;
}

/** Where tasks stand in the line for a thread: digests and preview pictures first, then previews, then runs. */
export const TASK_PRIORITY = {
  /** Digests and preview pictures: short, and what is waiting on them waits with nothing else to do. */
  urgent: 0,
  /** A preview's node runs, earliest frame first: someone is looking at the editor. */
  preview: (frame: number) => 1e9 + frame,
  /** A run's node runs, earliest frame first: the sink writes in frame order. */
  run: (frame: number) => 2e9 + frame,
} as const;

interface Waiting {
  priority: number;
  start(): void;
  fail(e: Error): void;
}

/**
 * Waits in `line` for a thread: after everything ranked at or before `priority` (lowest first, then arrival order).
 * Whoever frees a thread calls the entry's `start` (the first in line) or `fail` (a closing pool); `signal` takes it
 * out of the line and calls `fail` with the signal's reason.
 */
function waitInLine(line: Waiting[], priority: number, signal: AbortSignal | undefined, start: () => void, fail: (e: unknown) => void): void {
  const onAbort = (): void => {
    const i = line.indexOf(entry);
    if (i >= 0) line.splice(i, 1);
    fail(signal?.reason ?? new Error('aborted'));
  };
  const entry: Waiting = {
    priority,
    start: () => {
      signal?.removeEventListener('abort', onAbort);
      start();
    },
    fail: (e) => {
      signal?.removeEventListener('abort', onAbort);
      fail(e);
    },
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // The line is short (a few chunks' parts or batches), so insertion is cheap.
  let at = line.length;
  while (at > 0 && line[at - 1].priority > priority) at--;
  line.splice(at, 0, entry);
}

/** Piscina over `file`, its threads handed the bundled code when there is one (see thread-bundle.ts). */
async function startPiscina(file: URL, threads: number, idleTimeout: number): Promise<Piscina> {
  const bundle = await threadBundle();
  // Idle threads go away after `idleTimeout`, so a CLI or test process is never kept alive by its pool.
  const pool = new Piscina({ filename: file.href, minThreads: 0, maxThreads: threads, idleTimeout, workerData: { bundle } });
  pool.on('error', onPoolError);
  return pool;
}

/**
 * Piscina reports on the pool, as an 'error' event, what belongs to no task: a result that arrives for a task
 * already cancelled (a run failed or was cancelled while a thread was finishing its part; the thread is stopped,
 * but its last message can still come in), a thread that failed while idle, a close that timed out. With no
 * listener an 'error' event throws, from a message handler, and takes the process down: a fresh-clone CI run did
 * so after a node failure cancelled its sibling tasks. A late result has no reader and is dropped; anything else
 * is reported as a process warning, and the next task starts a new thread.
 */
function onPoolError(e: Error): void {
  if (/^Unexpected message from Worker/.test(e.message)) return;
  process.emitWarning(`worker pool: ${e.message}`, { code: 'ANELO_POOL' });
}

/**
 * The threads take tasks in priority order, not in the order they were asked for: piscina queues a task that can be
 * cancelled in arrival order whatever queue it is given, so tasks wait here until a thread is free. In a 48-frame
 * 1080p run, arrival order had refine and warp make the last chunk first and the first chunk last, so the encoder
 * waited on it and then encoded 32 frames alone at the end; and a digest that keys the next node waited behind
 * whole chunks of refine.
 */
export class NodePool {
  private piscinaStarted?: Promise<Piscina>;
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    readonly size: number,
    private readonly idleTimeoutMs = 15_000,
  ) {}

  private get piscina(): Promise<Piscina> {
    return (this.piscinaStarted ??= startPiscina(new URL('./node-worker.mjs', import.meta.url), this.size, this.idleTimeoutMs));
  }

  /** Runs `task` once a thread is free for it and nothing ranked before it waits; a cancel while waiting rejects at once. */
  private schedule<T>(priority: number, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.next();
          });
      };
      if (signal?.aborted) return reject(signal.reason);
      if (this.running < this.size && this.waiting.length === 0) return start();
      waitInLine(this.waiting, priority, signal, start, reject);
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.size && this.waiting.length > 0) this.waiting.shift()!.start();
  }

  async runNode(req: PoolRunRequest): Promise<{ outputs: Record<string, Chunk>; stats: [string, number, number][]; warnings: string[] }> {
    const { signal, onProgress, definitionsModule, priority, ...rest } = req;
    if (signal.aborted) throw cancelled(req.nodeId);
    const channel = new MessageChannel();
    // The result travels on piscina's own port; waiting for `end` on ours delivers every progress step before it.
    let ended!: () => void;
    const allProgress = new Promise<void>((r) => (ended = r));
    channel.port1.on('message', (m: { done?: number; end?: true }) => {
      if (m.done !== undefined) onProgress(m.done);
      if (m.end) ended();
    });
    const task: RunNodeTask = { ...rest, definitionsModule: definitionsModule ?? SHIPPED_DEFINITIONS, progress: channel.port2 };
    let result: RunNodeResult;
    try {
      const piscina = await this.piscina;
      result = (await this.schedule(priority ?? Infinity, signal, () => piscina.run(task, { name: 'runNode', signal, transferList: [channel.port2] }))) as RunNodeResult;
      await allProgress;
    } catch (e) {
      if (signal.aborted) throw cancelled(req.nodeId);
      const why = e instanceof Error ? e.message : String(e);
      throw new AneloError('ANELO_E036_WORKER_DIED', `the worker thread running node "${req.nodeId}" (${req.type}) stopped: ${why}`, { nodeId: req.nodeId }, undefined, e);
    } finally {
      channel.port1.close();
    }
    if (!result.ok) throw fromTaskError(result.error);
    // The thread hashed the frames it made; with their hashes known here, the outputs' digests cost next to nothing.
    for (const [port, chunk] of Object.entries(result.outputs)) noteFrameHashes(chunk, result.hashes[port]);
    return { outputs: result.outputs, stats: result.stats, warnings: result.warnings };
  }

  /**
   * Starts every thread and loads `definitionsModule` there, ahead of a run's first tasks: a thread's start (the
   * bundle, then the node definitions) cost 0.15–0.3 s of CPU, which a 1080p run's first digest and first scene
   * detection waited on. Resolves once every thread is ready; a run need not wait for it.
   */
  async start(definitionsModule = SHIPPED_DEFINITIONS): Promise<void> {
    const piscina = await this.piscina;
    await Promise.all(Array.from({ length: this.size }, () => this.schedule(TASK_PRIORITY.urgent, undefined, () => piscina.run(definitionsModule, { name: 'ready' }))));
  }

  /**
   * The content digest of a chunk whose frames no thread has hashed yet (most chunks come with their frames' hashes:
   * see chunk-codec.ts), on the pool. Readers of a chunk wait for its digest (their keys need it), and here it can
   * queue behind node runs (about 1 s in a 1080p run), but the other places cost more: a digest thread of its own
   * took the event-loop delay p99 of a render with 20 previews from 60–72 to 88–93 ms (three runs each,
   * alternating), and the main thread, even a slice at a time, to 113–149 ms.
   */
  async digest(chunk: Chunk, signal?: AbortSignal): Promise<string> {
    const piscina = await this.piscina;
    const shared = toShared(chunk);
    return (await this.schedule(TASK_PRIORITY.urgent, signal, () => piscina.run(shared, { name: 'digestChunk', signal }))) as string;
  }

  /** A preview frame as PNG (resized to `maxWidth`), so the server's event loop never encodes pixels. */
  async previewRgb(task: PreviewPngTask, signal?: AbortSignal): Promise<RgbImage> {
    const piscina = await this.piscina;
    const shared = { ...task, chunk: toShared(task.chunk) };
    return (await this.schedule(TASK_PRIORITY.urgent, signal, () => piscina.run(shared, { name: 'previewRgb', signal }))) as RgbImage;
  }

  /** Stops every thread; tasks still waiting, queued or running reject. */
  async close(): Promise<void> {
    for (const w of this.waiting.splice(0)) w.fail(new Error('the worker pool was closed'));
    await (await this.piscinaStarted)?.destroy();
  }
}

/** Thread pools not yet closed, for exitSoon(). */
const openPools = new Set<ThreadPool>();

/**
 * Exits the process once the threads of every ThreadPool have finished their running task (at most `waitMs`): exiting
 * terminates them, and a depth thread terminated inside onnxruntime's run aborts the process (see close()). Pools
 * take no new task meanwhile. For the paths that must exit now: a second Ctrl-C, a stop that overran its grace.
 * If a task is still running after `waitMs` (a real-size model on a CPU takes seconds a batch), the process ends by
 * SIGINT instead, as an interrupted program does: the kernel stops every thread at once, nothing is torn down, so
 * nothing aborts, and a shell reports the same status 130.
 */
export function exitSoon(code: number, waitMs = 2_000): void {
  const running = [...openPools].flatMap((p) => p.stopTaking());
  void Promise.race([Promise.allSettled(running).then(() => false), delay(waitMs, true, { ref: false })]).then((late) => {
    if (!late) return process.exit(code);
    process.removeAllListeners('SIGINT');
    process.kill(process.pid, 'SIGINT');
    // Still here: SIGINT is ignored (a job started in the background by a non-interactive shell). Exit as before.
    setTimeout(() => process.exit(code), 200);
  });
}

/** A few threads running the named exports of one worker module (see depth-thread.ts). Idle threads never keep the process alive. */
export class ThreadPool {
  private piscinaStarted?: Promise<Piscina>;
  /** Set by close(): a closed pool starts no thread again. */
  closed = false;
  /** Threads that have ended so far (idle, failed or closed): whatever one had loaded (a model) went with it. */
  threadsEnded = 0;
  /** Threads given a task (at most `threads`: a task is posted only to a free thread, never queued in piscina). */
  private busy = 0;
  private readonly waiting: Waiting[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly file: URL,
    private readonly threads: number,
    private readonly idleTimeoutMs: number,
  ) {
    openPools.add(this);
  }

  /**
   * Runs the worker module's export `name` on `task` once a thread is free. Tasks waiting for a thread go lowest
   * `priority` first, then in arrival order (unranked ones last); `signal` takes a waiting task out of the line,
   * rejecting it with the signal's reason (a task already given a thread runs to its end).
   */
  async run<T>(task: unknown, name: string, opts: { priority?: number; signal?: AbortSignal; transferList?: Transferable[] } = {}): Promise<T> {
    if (this.closed) throw poolClosed();
    const piscina = await (this.piscinaStarted ??= startPiscina(this.file, this.threads, this.idleTimeoutMs).then((p) => p.on('workerDestroy', () => this.threadsEnded++)));
    const { signal } = opts;
    if (signal?.aborted) throw signal.reason;
    if (this.busy < this.threads && this.waiting.length === 0) this.busy++;
    // A finishing task hands over its thread (release).
    else await new Promise<void>((start, fail) => waitInLine(this.waiting, opts.priority ?? Infinity, signal, start, fail));
    if (this.closed) {
      this.release();
      throw poolClosed();
    }
    const result = piscina.run(task, { name, transferList: opts.transferList as never }) as Promise<T>;
    this.running.add(result);
    try {
      return await result;
    } finally {
      this.running.delete(result);
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.busy--;
  }

  /**
   * Stops the threads once each has finished the task it is running; tasks not yet given a thread reject. Never
   * terminates a thread inside a task: onnxruntime-node's run is one native call, and a thread terminated during it
   * takes the whole process down ("terminate called after throwing an instance of 'Napi::Error'", exit 134). A task
   * is one batch of a few frames, so this waits well under a second at common sizes, and at most CLOSE_WAIT_MS.
   * (piscina's own graceful close was no help: with every thread busy it resolved as soon as one of them finished,
   * and destroyed the others mid-task.)
   */
  async close(): Promise<void> {
    this.stopTaking();
    try {
      const piscina = await this.piscinaStarted;
      if (!piscina) return;
      await Promise.race([Promise.allSettled([...this.running]), delay(CLOSE_WAIT_MS, undefined, { ref: false })]);
      await piscina.destroy();
    } finally {
      // Only now: an exitSoon() while this close waits (a second Ctrl-C as a stopped run closes its services) must
      // still wait for the tasks running, or the exit terminates a thread inside onnxruntime's run.
      openPools.delete(this);
    }
  }

  /** Takes no task from now on (those waiting for a thread reject) and returns the tasks still running. */
  stopTaking(): Promise<unknown>[] {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.fail(poolClosed());
    return [...this.running];
  }
}

/** How long close() waits for running tasks before it destroys the threads regardless. */
const CLOSE_WAIT_MS = 30_000;

const poolClosed = (): Error => new Error('the thread pool was closed');

function cancelled(nodeId: string): AneloError {
  return new AneloError('ANELO_E030_CANCELLED', 'run cancelled', { nodeId });
}
