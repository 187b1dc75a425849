/**
 * An encoder that never leaves a half file at the output path: ffmpeg writes a hidden temp file beside the
 * output, which is renamed into place only when ffmpeg succeeds; failure or cancel deletes it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { AneloError } from '../../nodes/core/errors.ts';
import type { EncodeOptions, FrameSink } from '../../nodes/core/types.ts';
import { buildEncodeArgs, containerFor } from './ffmpeg-args.ts';
import { startEncoder } from './fluent-ffmpeg-driver.ts';
import { parseFfmpegProgress } from './parse-ffmpeg-progress.ts';
import { probeMedia } from './probe.ts';
import { ensureDir } from '../fs/ensure-dir.ts';

export async function openEncoder(o: EncodeOptions): Promise<FrameSink> {
  const output = path.resolve(o.output);
  const ext = path.extname(output);
  if (!containerFor(ext)) {
    throw new AneloError('ANELO_E021_OUTPUT_NOT_WRITABLE', `unsupported output extension "${ext || '(none)'}" for ${output}: use .mp4, .mkv, .mov or .m4v`, { file: output });
  }
  const dir = path.dirname(output);
  try {
    await ensureDir(dir);
    await fs.access(dir, fs.constants?.W_OK ?? 2);
  } catch (e) {
    throw new AneloError('ANELO_E021_OUTPUT_NOT_WRITABLE', `cannot write to ${dir}: ${(e as Error).message}`, { file: output }, undefined, e);
  }
  const temp = path.join(dir, `.${path.basename(output, ext)}.partial-${randomBytes(4).toString('hex')}${ext}`);
  let audio: { file: string; inputOptions: string[] } | undefined;
  let audioCodec: string | undefined;
  if (o.audioFrom) {
    const probe = await probeMedia(o.audioFrom.path).catch(() => undefined);
    audioCodec = probe?.audio[0]?.codec;
  }
  const args = buildEncodeArgs({
    ...o,
    ext,
    audio: o.audioFrom && audioCodec ? { startTime: o.audioFrom.startTime, durationS: o.audioFrom.durationS, codec: audioCodec } : undefined,
  });
  if (o.audioFrom && audioCodec) audio = { file: o.audioFrom.path, inputOptions: args.audioInputOptions };
  const frameBytes = o.width * o.height * 3;
  const videoIn = new PassThrough({ highWaterMark: Math.max(frameBytes * 2, 2 ** 20) });
  const proc = startEncoder({
    videoIn,
    videoInputOptions: args.videoInputOptions,
    audio,
    outputOptions: args.outputOptions,
    output: temp,
    onStderrLine: (line) => {
      const p = parseFfmpegProgress(line);
      if (p) o.onProgress?.(p);
    },
  });
  let frames = 0;
  let failure: Error | undefined;
  proc.done.catch((e: Error) => {
    failure = e;
    videoIn.destroy();
  });
  let finished = false;

  const cleanup = async (): Promise<void> => {
    proc.kill();
    videoIn.destroy();
    await proc.done.catch(() => {});
    await fs.rm(temp, { force: true });
  };
  const fail = (e: Error): AneloError => {
    const full = /No space left|ENOSPC/i.test(e.message);
    return new AneloError(full ? 'ANELO_E090_DISK_FULL' : 'ANELO_E020_ENCODE_FAILED', `encoding ${output} failed: ${e.message}`, { file: output }, undefined, e);
  };
  const onAbort = (): void => void cleanup();
  o.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    async write(frame: Uint8Array): Promise<void> {
      if (failure) {
        await cleanup();
        throw fail(failure);
      }
      if (o.signal?.aborted) throw new AneloError('ANELO_E030_CANCELLED', 'encode cancelled', { file: output });
      if (frame.length !== frameBytes) throw new AneloError('ANELO_E020_ENCODE_FAILED', `frame ${frames} has ${frame.length} bytes, expected ${frameBytes}`, { file: output, frame: frames });
      frames++;
      if (!videoIn.write(frame)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            videoIn.off('drain', done);
            videoIn.off('close', done);
            resolve();
          };
          videoIn.on('drain', done);
          videoIn.on('close', done);
        });
      }
    },
    async finish() {
      o.signal?.removeEventListener('abort', onAbort);
      videoIn.end();
      try {
        await proc.done;
      } catch (e) {
        await cleanup();
        throw fail(e as Error);
      }
      if (o.signal?.aborted) {
        await cleanup();
        throw new AneloError('ANELO_E030_CANCELLED', 'encode cancelled', { file: output });
      }
      await fs.rename(temp, output);
      finished = true;
      return { path: output, frames };
    },
    async abort() {
      o.signal?.removeEventListener('abort', onAbort);
      if (!finished) await cleanup();
    },
  };
}
