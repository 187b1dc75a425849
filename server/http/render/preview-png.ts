/**
 * A preview frame as PNG bytes, at most `maxWidth` wide (aspect kept). The pool makes the pixels (depth through the
 * colour map is pixel work); the main thread fits and encodes them with libvips, whose work runs on libuv's threads
 * and which worker threads must not load (see vips-image.ts).
 */
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

/** The preview's pixels at the chunk's size. */
export function previewRgb(task: PreviewPngTask): RgbImage {
  return chunkToRgb(task.chunk, task.depthScale);
}

/** Pixels fitted to `maxWidth` and encoded as PNG. */
export async function encodePreview(img: RgbImage, maxWidth?: number): Promise<Uint8Array> {
  const png = await encodePng(await fitWidth(img, maxWidth));
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
