/**
 * One frame of a chunk as a PNG for the editor's preview: frames as they are, depth through the turbo map
 * (normalised by the frame's robust p02..p98 range, so one near object does not wash the rest out), cuts as a
 * small strip (bar = detector score, red when the frame starts a scene).
 */
import { turboColormap } from '../../../nodes/lib/colormap.ts';
import type { Chunk, CutsChunk, DepthChunk, DepthScale } from '../../../nodes/core/types.ts';
import { unitDepth } from '../../../nodes/lib/depth-normalise.ts';
import { depthStats } from '../../../nodes/lib/depth-stats.ts';
import { encodePngRgb } from '../../media/vips-image.ts';

export interface RgbImage {
  width: number;
  height: number;
  /** RGB24, width*height*3. */
  rgb: Uint8Array;
}

/** Depth frame i → RGB through turbo, near = red: normalised depth as it is, raw depth by the frame's robust range. */
export function depthToRgb(chunk: DepthChunk, i: number, scale?: DepthScale): Uint8Array {
  const d = chunk.frames[i];
  return turboColormap(unitDepth(d, chunk.stats[i] ?? depthStats(d), scale));
}

const STRIP_W = 64;
const STRIP_H = 16;

/** A 64x16 strip: grey bar as long as the score (clamped to 1), red when the frame is a cut. */
export function cutsToRgb(chunk: CutsChunk, i: number): RgbImage {
  const rgb = new Uint8Array(STRIP_W * STRIP_H * 3).fill(24);
  const cut = chunk.flags[i] === 1;
  const len = Math.round(Math.min(1, Math.max(0, chunk.scores[i] ?? 0)) * STRIP_W);
  for (let y = 0; y < STRIP_H; y++) {
    for (let x = 0; x < STRIP_W; x++) {
      const o = (y * STRIP_W + x) * 3;
      if (cut) rgb.set([220, 40, 40], o);
      if (x < len) rgb.set(cut ? [255, 200, 200] : [200, 200, 200], o);
    }
  }
  return { width: STRIP_W, height: STRIP_H, rgb };
}

/** The first frame of `chunk` as an RGB image; `scale` says what depth values mean (raw when not given). */
export function chunkToRgb(chunk: Chunk, scale?: DepthScale): RgbImage {
  if (chunk.type === 'cuts') return cutsToRgb(chunk, 0);
  const rgb = chunk.type === 'frames' ? chunk.frames[0] : depthToRgb(chunk, 0, scale);
  return { width: chunk.width, height: chunk.height, rgb };
}

/** RGB24 → PNG, encoded by libvips for latency (see vips-image.ts). */
export function encodePng(img: RgbImage): Promise<Buffer> {
  return encodePngRgb(img.rgb, img.width, img.height);
}
