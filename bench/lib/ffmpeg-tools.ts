/** Bench-only media helpers on the bundled ffmpeg: an upscaled clip, a grainy copy, and images decoded to RGB24. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../server/media/ffmpeg-paths.ts';
import { readAllFrames } from '../../test/helpers/raw-frames.ts';

/** Writes the first `frames` frames of `src` scaled to width x height (stretched) as a near-lossless H.264 file. */
export async function makeScaledClip(src: string, dest: string, width: number, height: number, frames: number): Promise<void> {
  await promisify(execFile)(ffmpegPath(), [
    '-nostdin', '-loglevel', 'error', '-y', '-i', src, '-an', '-frames:v', String(frames),
    '-vf', `scale=${width}:${height}:flags=bicubic,setsar=1`, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '12', '-pix_fmt', 'yuv420p', dest,
  ]);
}

/**
 * Writes `src` with ffmpeg's noise filter at `strength` (Gaussian, new in every frame: film grain or a small
 * sensor's noise), near-lossless so the grain survives the encode.
 */
export async function makeGrainyClip(src: string, dest: string, strength: number, frames: number): Promise<void> {
  await promisify(execFile)(ffmpegPath(), [
    '-nostdin', '-loglevel', 'error', '-y', '-i', src, '-an', ...(frames > 0 ? ['-frames:v', String(frames)] : []),
    '-vf', `noise=alls=${strength}:allf=t`, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '14', '-pix_fmt', 'yuv420p', dest,
  ]);
}

/** Any image ffmpeg reads (JPEG, PPM, PNG) as RGB24 at its own size. */
export async function readImageRgb(file: string, width: number, height: number): Promise<Uint8Array> {
  const frames = await readAllFrames(file, { width, height, maxFrames: 1 });
  if (frames.length !== 1) throw new Error(`${file}: ffmpeg gave ${frames.length} frames`);
  return frames[0];
}
