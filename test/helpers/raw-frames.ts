/**
 * Decodes a video into downscaled RGB24 frames for tests, by spawning the ffmpeg binary directly (tests stay
 * independent of server/media, whose fluent-ffmpeg wrapper is the app's one importer).
 */
import { spawn } from 'node:child_process';

export interface RawFrameOptions {
  width: number;
  height: number;
  /** Stop after this many frames. */
  maxFrames?: number;
}

async function ffmpegPath(): Promise<string> {
  if (process.env.ANELO_FFMPEG) return process.env.ANELO_FFMPEG;
  const mod = (await import('@ffmpeg-installer/ffmpeg')) as { path?: string; default?: { path: string } };
  return mod.path ?? mod.default!.path;
}

/** Yields every frame of `file` in decode order as a width*height*3 RGB24 buffer. */
export async function* readRawFrames(file: string, opts: RawFrameOptions): AsyncGenerator<Uint8Array> {
  const frameBytes = opts.width * opts.height * 3;
  const args = ['-nostdin', '-loglevel', 'error', '-i', file, '-an', '-vsync', '0'];
  if (opts.maxFrames !== undefined) args.push('-frames:v', String(opts.maxFrames));
  args.push('-vf', `scale=${opts.width}:${opts.height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
  const proc = spawn(await ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => proc.on('close', (code) => resolve(code ?? -1)));

  let pending: Buffer = Buffer.alloc(0);
  for await (const data of proc.stdout as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    let offset = 0;
    while (pending.length - offset >= frameBytes) {
      yield new Uint8Array(pending.subarray(offset, offset + frameBytes));
      offset += frameBytes;
    }
    pending = pending.subarray(offset);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg exited with ${code} decoding ${file}: ${stderr.trim()}`);
}

/** All frames of `file` (see readRawFrames). */
export async function readAllFrames(file: string, opts: RawFrameOptions): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for await (const f of readRawFrames(file, opts)) frames.push(f);
  return frames;
}
