/**
 * A preview frame as PNG bytes, at most `maxWidth` wide (aspect kept). The pool makes the pixels (depth through the
 * colour map is pixel work); the main thread fits and encodes them with libvips, whose work runs on libuv's threads
 * and which worker threads must not load (see vips-image.ts).
 */
import { sampleAspectRatio } from '../../../nodes/core/sample-aspect.ts';
import type { AnalysisView, Chunk, DepthScale } from '../../../nodes/core/types.ts';
import { analysisLut, applyLut } from '../../../nodes/lib/sdr-view.ts';
import { resizeRgb } from '../../media/vips-image.ts';
import { chunkToRgb, encodePng, type RgbImage } from './chunk-to-png.ts';

/**
 * The image at its shape on screen — `sampleAspect` ("8:9") widens or narrows pixels that are not square, as a
 * player shows a DVD's — and at most `maxWidth` wide.
 */
export async function fitWidth(img: RgbImage, maxWidth?: number, sampleAspect?: string): Promise<RgbImage> {
  const shownWidth = img.width * sampleAspectRatio(sampleAspect);
  const width = Math.max(1, Math.round(maxWidth && shownWidth > maxWidth ? maxWidth : shownWidth));
  const height = Math.max(1, Math.round((img.height * width) / shownWidth));
  if (width === img.width && height === img.height) return img;
  return { width, height, rgb: await resizeRgb(img.rgb, img.width, img.height, width, height) };
}

export interface PreviewPngTask {
  chunk: Chunk;
  maxWidth?: number;
  depthScale?: DepthScale;
  /** Frames holding an HDR signal: shown through its SDR view, as an SDR display shows a tone-mapped picture. */
  view?: AnalysisView;
}

/** The preview's pixels at the chunk's size. */
export function previewRgb(task: PreviewPngTask): RgbImage {
  const img = chunkToRgb(task.chunk, task.depthScale);
  // A copy: a frames chunk's image is its frame, which the cache still holds.
  return task.view && task.chunk.type === 'frames' ? { ...img, rgb: applyLut(img.rgb, analysisLut(task.view)) } : img;
}

/** Pixels at their shape on screen, fitted to `maxWidth` and encoded as PNG. */
export async function encodePreview(img: RgbImage, maxWidth?: number, sampleAspect?: string): Promise<Uint8Array> {
  const png = await encodePng(await fitWidth(img, maxWidth, sampleAspect));
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
