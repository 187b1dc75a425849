/** The services nodes run with, shared by the CLI, the server and the benchmarks. */
import type { Services } from '../nodes/core/types.ts';
import { createMediaService, type LocalMediaService } from './media/media-service.ts';

export interface LocalServices extends Services {
  media: LocalMediaService;
  close(): void;
}

export async function createServices(): Promise<LocalServices> {
  const media = createMediaService();
  let depth: Services['depth'];
  try {
    const mod = (await import('./depth/depth-service.ts')) as { createDepthService?: () => Services['depth'] };
    depth = mod.createDepthService?.();
  } catch {
    depth = undefined;
  }
  return { media, depth, close: () => media.close() };
}
