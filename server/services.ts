/** The services nodes run with, shared by the CLI, the server and the benchmarks. */
import type { DepthService, Services } from '../nodes/core/types.ts';
import { createMediaService, type LocalMediaService } from './media/media-service.ts';

export interface LocalServices extends Services {
  media: LocalMediaService;
  depth: DepthService;
  close(): void;
}

/** Loads onnxruntime only when a graph first asks for depth, so decode/encode-only runs start fast. */
function lazyDepthService(): DepthService {
  let service: Promise<DepthService> | undefined;
  const get = (): Promise<DepthService> => (service ??= import('./depth/depth-service.ts').then((m) => new m.OnnxDepthService()));
  return {
    modelKey: async (params) => (await get()).modelKey(params),
    outputSize: async (params, w, h) => (await get()).outputSize(params, w, h),
    infer: async (params, frames, w, h, signal) => (await get()).infer(params, frames, w, h, signal),
  };
}

export async function createServices(overrides: Partial<Services> = {}): Promise<LocalServices> {
  const media = createMediaService();
  return { media, depth: overrides.depth ?? lazyDepthService(), close: () => media.close() };
}
