/**
 * An encoder that never leaves a half file at the output path and never hangs: ffmpeg writes a hidden temp file
 * beside the output, which is renamed into place only when ffmpeg succeeds; failure or cancel deletes it. A
 * cancel before ffmpeg has even spawned, or a signal that fired before the encoder opened, is handled: stdin is
 * ended (never destroyed, which left ffmpeg waiting forever) and every wait for ffmpeg is bounded.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { AneloError } from '../../nodes/core/errors.ts';
import type { EncodeOptions, FrameSink } from '../../nodes/core/types.ts';
import { assertRenameTarget, checkOutputPath } from '../fs/check-output-path.ts';
import { ensureDir } from '../fs/ensure-dir.ts';
import { tempPathFor, trackTemp } from '../fs/temp-files.ts';
import { buildEncodeArgs, containerFor } from './ffmpeg-args.ts';
import { startEncoder } from './fluent-ffmpeg-driver.ts';
import type { SourceStreams } from './keep-streams.ts';
import { parseFfmpegProgress } from './parse-ffmpeg-progress.ts';
import { sourceStreams } from './source-streams.ts';

/** How long a killed ffmpeg may take to exit before cleanup goes on without it (SIGKILL is near-instant). */
const EXIT_WAIT_MS = 5_000;

const cancelled = (output: string): AneloError => new AneloError('ANELO_E030_CANCELLED', 'encode cancelled', { file: output });

function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p.then(() => {}, () => {}), new Promise<void>((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
}

export async function openEncoder(o: EncodeOptions): Promise<FrameSink> {
  if (o.signal?.aborted) throw cancelled(path.resolve(o.output));
  const output = path.resolve(o.output);
  const ext = path.extname(output);
  if (!containerFor(ext)) {
    throw new AneloError('ANELO_E021_OUTPUT_NOT_WRITABLE', `unsupported output extension "${ext || '(none)'}" for ${output}: use .mp4, .mkv, .mov or .m4v`, { file: output });
  }
  // The audio source is the input video: writing over it would destroy it.
  await checkOutputPath(output, o.audioFrom ? [o.audioFrom.path] : [], 'output');
  const dir = path.dirname(output);
  try {
    await ensureDir(dir);
    await fs.access(dir, fs.constants?.W_OK ?? 2);
  } catch (e) {
    throw new AneloError('ANELO_E021_OUTPUT_NOT_WRITABLE', `cannot write to ${dir}: ${(e as Error).message}`, { file: output }, undefined, e);
  }
  let streams: SourceStreams | undefined;
  if (o.audioFrom) streams = await sourceStreams(o.audioFrom.path).catch(() => undefined);
  if (o.signal?.aborted) throw cancelled(output);

  const temp = tempPathFor(output, ext);
  const untrack = trackTemp(temp);
  const args = buildEncodeArgs({
    ...o,
    ext,
    audio: o.audioFrom && streams ? { startTime: o.audioFrom.startTime, durationS: o.audioFrom.durationS, streams } : undefined,
  });
  const audio = o.audioFrom && streams ? { file: o.audioFrom.path, inputOptions: args.audioInputOptions } : undefined;
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
  let stopped = false;
  // Wakes a write() waiting for 'drain' when ffmpeg dies or the run is cancelled.
  const wake = new Set<() => void>();
  proc.done.catch((e: Error) => {
    failure = e;
    for (const w of wake) w();
  });
  let finished = false;
  let cleaning: Promise<void> | undefined;

  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      stopped = true;
      for (const w of wake) w();
      proc.kill();
      videoIn.end();
      videoIn.resume(); // drop what ffmpeg will never read
      await within(proc.done, EXIT_WAIT_MS);
      await fs.rm(temp, { force: true }).catch(() => {});
      untrack();
    })());
  const fail = (e: Error): AneloError => {
    const full = /No space left|ENOSPC/i.test(e.message);
    return new AneloError(full ? 'ANELO_E090_DISK_FULL' : 'ANELO_E020_ENCODE_FAILED', `encoding ${output} failed: ${e.message}`, { file: output }, undefined, e);
  };
  const onAbort = (): void => void cleanup();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort(); // fired between the checks above and the listener

  return {
    async write(frame: Uint8Array): Promise<void> {
      if (failure) {
        await cleanup();
        throw fail(failure);
      }
      if (o.signal?.aborted || stopped) throw cancelled(output);
      if (frame.length !== frameBytes) throw new AneloError('ANELO_E020_ENCODE_FAILED', `frame ${frames} has ${frame.length} bytes, expected ${frameBytes}`, { file: output, frame: frames });
      frames++;
      if (!videoIn.write(frame)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            videoIn.off('drain', done);
            videoIn.off('close', done);
            wake.delete(done);
            resolve();
          };
          wake.add(done);
          videoIn.on('drain', done);
          videoIn.on('close', done);
        });
        if (failure) {
          await cleanup();
          throw fail(failure);
        }
        if (o.signal?.aborted || stopped) throw cancelled(output);
      }
    },
    async finish() {
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted || stopped) {
        await cleanup();
        throw cancelled(output);
      }
      videoIn.end();
      try {
        await proc.done;
      } catch (e) {
        await cleanup();
        throw fail(e as Error);
      }
      if (o.signal?.aborted) {
        await cleanup();
        throw cancelled(output);
      }
      try {
        await assertRenameTarget(output);
        await fs.rename(temp, output);
      } catch (e) {
        await cleanup();
        throw e instanceof AneloError ? e : fail(e as Error);
      }
      untrack();
      finished = true;
      return { path: output, frames, warnings: args.warnings };
    },
    async abort() {
      o.signal?.removeEventListener('abort', onAbort);
      if (!finished) await cleanup();
    },
  };
}
