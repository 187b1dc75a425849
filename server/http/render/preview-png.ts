/** A preview frame as PNG bytes, at most `maxWidth` wide (aspect kept): what the pool renders for the editor. */
import type { Chunk, DepthScale } from '../../../nodes/core/types.ts';
import { resizeRgb } from '../../media/vips-image.ts';
import { chunkToRgb, encodePng, type RgbImage } from './chunk-to-png.ts';

export async function fitWidth(img: RgbImage, maxWidth?: number): Promise<RgbImage> {
  if (!maxWidth || img.width <= maxWidth) return img;
  const width = Math.max(1, Math.round(maxWidth));
  const height = Math.max(1, Math.round((img.height * width) / img.width));
  return { width, height, rgb: await resizeRgb(img.rgb, img.width, img.height, width, height) };
}

export interface PreviewPngTask {
  chunk: Chunk;
  maxWidth?: number;
  depthScale?: DepthScale;
}

export async function previewPng(task: PreviewPngTask): Promise<Uint8Array> {
  const png = await encodePng(await fitWidth(chunkToRgb(task.chunk, task.depthScale), task.maxWidth));
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
