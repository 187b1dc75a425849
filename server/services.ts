/** The services nodes run with, shared by the CLI, the server and the benchmarks. */
import os from 'node:os';
import type { DepthService, ModelLoadEvent, Services } from '../nodes/core/types.ts';
import { defaultWorkerCount } from './engine/pool/node-pool.ts';
import { createMediaService, type LocalMediaService } from './media/media-service.ts';

export interface LocalServices extends Services {
  media: LocalMediaService;
  depth: DepthService;
  /** Resolves once the depth threads have finished the batch each was running and stopped (see ThreadPool.close). */
  close(): Promise<void>;
}

export interface ServicesOptions {
  /**
   * As the executor's `workers` (default `ANELO_WORKERS`, else the cores): 0 keeps depth inference on the main thread
   * too (comparison and debugging); N > 0 gives depth inference N cores to share out, as the pool has N threads.
   */
  workers?: number;
}

/**
 * Loads onnxruntime only when a graph first asks for depth, so decode/encode-only runs start fast. Inference runs on
 * depth threads of its own (depth-thread.ts), sharing `cores`, unless that is 0.
 */
function lazyDepthService(cores: number): { depth: DepthService; close(): Promise<void> } {
  let service: Promise<DepthService & { close?(): Promise<void> }> | undefined;
  // Listeners may come before the service: each hears what the service tells once it exists.
  const loadListeners = new Set<(e: ModelLoadEvent) => void>();
  const made = (s: DepthService & { close?(): Promise<void> }): DepthService & { close?(): Promise<void> } => {
    s.onModelLoad?.((e) => loadListeners.forEach((fn) => fn(e)));
    return s;
  };
  const get = (): Promise<DepthService> =>
    (service ??= (
      cores > 0
        ? import('./depth/depth-thread.ts').then((m) => new m.ThreadedDepthService({ cores }))
        : // Main thread only: onnxruntime's own threads too (measured: the serial 1080p run of the bench was no slower with one
          // intra-op thread than with a thread per core, 18.0–20.6 s against 17.8–22.6 s, with less CPU).
          import('./depth/depth-service.ts').then((m) => new m.OnnxDepthService({ autoThreads: 1 }))
    ).then(made));
  return {
    depth: {
      modelKey: async (params) => (await get()).modelKey(params),
      outputSize: async (params, w, h) => (await get()).outputSize(params, w, h),
      infer: async (params, frames, w, h, signal, view, order) => (await get()).infer(params, frames, w, h, signal, view, order),
      prepare: async (params) => (await get()).prepare?.(params),
      onModelLoad: (fn) => {
        loadListeners.add(fn);
        return () => loadListeners.delete(fn);
      },
    },
    close: async () => {
      await service?.then((s) => s.close?.()).catch(() => {});
    },
  };
}

/**
 * Cores depth inference shares out for a pool of `workers` threads: as many (no more than the machine has), so
 * worker processes sharing a machine (ANELO_WORKERS=1 each on 4 cores) do not each start two depth threads beside
 * their pool thread; 0 keeps it on the main thread.
 */
export function depthCores(workers: number): number {
  return Math.max(0, Math.min(workers, os.availableParallelism()));
}

export async function createServices(overrides: Partial<Services> = {}, opts: ServicesOptions = {}): Promise<LocalServices> {
  const media = createMediaService();
  const lazy = overrides.depth ? undefined : lazyDepthService(depthCores(opts.workers ?? defaultWorkerCount()));
  return {
    media,
    depth: overrides.depth ?? lazy!.depth,
    close: async () => {
      media.close();
      await lazy?.close();
    },
  };
}
