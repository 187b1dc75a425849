/**
 * What a pool worker does: run one node's pure `run` over a frame range, or hash a chunk. Results come back in
 * SharedArrayBuffers, so the main thread and later tasks read them without a copy.
 */
import type { MessagePort } from 'node:worker_threads';
import type { AnyNodeDefinition, Chunk, StreamInfo } from '../../../nodes/core/types.ts';
import { frameCollector } from './frame-collector.ts';
import { toShared } from './shared-chunk.ts';
import { toTaskError, type TaskError } from './task-error.ts';
import { previewRgb, type PreviewPngTask } from '../../http/render/preview-png.ts';
import type { RgbImage } from '../../http/render/chunk-to-png.ts';
import { chunkBytes, chunkDigest, hashFrames } from '../chunk-codec.ts';

export interface RunNodeTask {
  /** Module whose `NODE_DEFINITIONS` holds the node type (the shipped nodes unless a test says otherwise). */
  definitionsModule: string;
  type: string;
  nodeId: string;
  params: Record<string, unknown>;
  start: number;
  end: number;
  info: Record<string, StreamInfo>;
  inputInfo: Record<string, StreamInfo | undefined>;
  inputs: Record<string, Chunk | undefined>;
  /** false: the outputs' frames are not hashed (no cache tier will keep them: see RunSession.computeUncached). */
  hashOutputs?: boolean;
  /** Receives `{ done }` as frames finish (see PROGRESS_STEP), for progress bars, and `{ end: true }` last. */
  progress: MessagePort;
}

export type RunNodeResult =
  | {
      ok: true;
      outputs: Record<string, Chunk>;
      /** Per output, its frames' hashes (see hashFrames): made here, where the frames are, so no digest task waits. */
      hashes: Record<string, Uint8Array>;
      stats: [string, number, number][];
      warnings: string[];
    }
  | { ok: false; error: TaskError };

/**
 * Every 64 MiB of frames handed to this thread, it collects (see frame-collector.ts). At 32 MiB the two pool threads
 * of a 640x272 render of bikes-cuts made 19–26 full collections each, ~20 ms apiece on this VM: 1.9–2.1 s of all
 * threads' GC time against 1.25–1.35 s at 64 (`--trace-gc`, two runs each). The peaks of the memory case: 729–801 MB
 * at 10 s and 749–751 MB at 60 s, one run each (a thread holds at most 64 MiB of frames it no longer uses).
 */
const collector = frameCollector(64 * 2 ** 20);

function sawBytes(chunks: (Chunk | undefined)[]): void {
  collector.saw(chunks.reduce((n, c) => n + (c ? chunkBytes(c) : 0), 0));
}

/**
 * A pool thread tells the main thread of its progress every this many frames, or sooner once PROGRESS_MS have passed
 * since it last did (a node that takes seconds a frame still moves its bar each frame), and of the rest when the task
 * ends: each message wakes the main thread (an eventfd write, an interrupt to the other core, a context switch), and
 * one a frame was ~1,500 messages in a 250-frame 640x272 render. Four is the most frames a progress bar may lag.
 */
export const PROGRESS_STEP = 4;
export const PROGRESS_MS = 250;

const modules = new Map<string, Promise<readonly AnyNodeDefinition[]>>();

function definitions(url: string): Promise<readonly AnyNodeDefinition[]> {
  let p = modules.get(url);
  if (!p) {
    p = import(url).then((m: { NODE_DEFINITIONS: readonly AnyNodeDefinition[] }) => m.NODE_DEFINITIONS);
    modules.set(url, p);
  }
  return p;
}

/** Loads the node definitions of `url` here, so a run's first task on this thread does not wait on that. */
export async function loadDefinitions(url: string): Promise<number> {
  return (await definitions(url)).length;
}

export async function runNode(task: RunNodeTask): Promise<RunNodeResult> {
  sawBytes(Object.values(task.inputs));
  let posted = 0;
  let postedAt = performance.now();
  let done = 0;
  const stats: [string, number, number][] = [];
  const warnings: string[] = [];
  try {
    const def = (await definitions(task.definitionsModule)).find((d) => d.type === task.type);
    if (!def?.run) throw new Error(`node type "${task.type}" cannot run in a worker`);
    // Cancelling terminates the worker, so the node's own signal never needs to fire here.
    const signal = new AbortController().signal;
    const outputs = await def.run({
      nodeId: task.nodeId,
      params: task.params,
      start: task.start,
      end: task.end,
      info: task.info,
      inputInfo: task.inputInfo,
      inputs: task.inputs,
      services: { media: undefined as never },
      signal,
      progress: (n) => {
        done = n;
        if (n <= posted) return;
        const now = performance.now();
        if (n - posted < PROGRESS_STEP && now - postedAt < PROGRESS_MS) return;
        task.progress.postMessage({ done: n });
        posted = n;
        postedAt = now;
      },
      stat: (name, value, frames = 1) => void stats.push([name, value, frames]),
      warn: (message) => void warnings.push(message),
    });
    const shared: Record<string, Chunk> = {};
    const hashes: Record<string, Uint8Array> = {};
    for (const [port, chunk] of Object.entries(outputs)) {
      shared[port] = toShared(chunk);
      hashes[port] = task.hashOutputs === false ? new Uint8Array(0) : hashFrames(chunk);
    }
    sawBytes(Object.values(shared));
    return { ok: true, outputs: shared, hashes, stats, warnings };
  } catch (e) {
    return { ok: false, error: toTaskError(e, { nodeId: task.nodeId }) };
  } finally {
    task.progress.postMessage(done > posted ? { done, end: true } : { end: true });
    task.progress.close();
  }
}

/** The content digest of a chunk (see chunk-codec.ts), off the main thread (see NodePool.digest). */
export function digestChunk(chunk: Chunk): string {
  sawBytes([chunk]);
  return chunkDigest(chunk);
}

/** A preview frame's pixels (see preview-png.ts), in shared memory so the main thread reads them without a copy. */
export function renderPreviewRgb(task: PreviewPngTask): RgbImage {
  sawBytes([task.chunk]);
  const img = previewRgb(task);
  if (img.rgb.buffer instanceof SharedArrayBuffer) return img;
  const rgb = new Uint8Array(new SharedArrayBuffer(img.rgb.byteLength));
  rgb.set(img.rgb);
  return { ...img, rgb };
}
