/** The services nodes run with, shared by the CLI, the server and the benchmarks. */
import type { DepthService, Services } from '../nodes/core/types.ts';
import { defaultWorkerCount } from './engine/pool/node-pool.ts';
import { createMediaService, type LocalMediaService } from './media/media-service.ts';

export interface LocalServices extends Services {
  media: LocalMediaService;
  depth: DepthService;
  close(): void;
}

export interface ServicesOptions {
  /** As the executor's `workers`: 0 keeps depth inference on the main thread too (comparison and debugging). */
  workers?: number;
}

/**
 * Loads onnxruntime only when a graph first asks for depth, so decode/encode-only runs start fast. Inference runs on
 * a depth thread of its own (depth-thread.ts) unless `workers` is 0.
 */
function lazyDepthService(threaded: boolean): { depth: DepthService; close(): void } {
  let service: Promise<DepthService & { close?(): Promise<void> }> | undefined;
  const get = (): Promise<DepthService> =>
    (service ??= threaded
      ? import('./depth/depth-thread.ts').then((m) => new m.ThreadedDepthService())
      : import('./depth/depth-service.ts').then((m) => new m.OnnxDepthService()));
  return {
    depth: {
      modelKey: async (params) => (await get()).modelKey(params),
      outputSize: async (params, w, h) => (await get()).outputSize(params, w, h),
      infer: async (params, frames, w, h, signal) => (await get()).infer(params, frames, w, h, signal),
    },
    close: () => void service?.then((s) => s.close?.()).catch(() => {}),
  };
}

export async function createServices(overrides: Partial<Services> = {}, opts: ServicesOptions = {}): Promise<LocalServices> {
  const media = createMediaService();
  const lazy = overrides.depth ? undefined : lazyDepthService((opts.workers ?? defaultWorkerCount()) > 0);
  return {
    media,
    depth: overrides.depth ?? lazy!.depth,
    close: () => {
      media.close();
      lazy?.close();
    },
  };
}
