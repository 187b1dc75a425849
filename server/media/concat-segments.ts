/**
 * Joins segment files encoded with identical settings into one file without re-encoding (ffmpeg's concat demuxer,
 * stream copy), and muxes the source's audio (and, in Matroska, subtitles) over the whole range. Each segment
 * starts with an IDR frame and x264's GOPs are closed, so every piece decodes on its own and the joined stream
 * is exactly the frames of the segments in order. Written to a temp file beside the output and renamed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';
import { containerFor, sourceSpanArgs } from './ffmpeg-args.ts';
import { ffmpegPath } from './ffmpeg-paths.ts';
import { INPUT_SAFETY_OPTIONS, inputUrl } from './media-allow-list.ts';
import { probeMedia } from './probe.ts';

export interface ConcatOptions {
  /** Segment files in play order. */
  segments: string[];
  output: string;
  /** The source's streams to mux over the joined video: seconds into the source and the duration. */
  streamsFrom?: { path: string; startTime: number; durationS: number };
  /** Matroska `stereo_mode` of the video stream (stream copy drops per-stream tags). */
  stereoMode?: string;
  signal?: AbortSignal;
}

/** The concat demuxer's list format: one `file '<path>'` per line, single quotes escaped. */
export function concatList(files: string[]): string {
  return `ffconcat version 1.0\n${files.map((f) => `file '${path.resolve(f).replace(/'/g, "'\\''")}'`).join('\n')}\n`;
}

/** ffmpeg arguments for the join; pure, so the exact command is testable. */
export function buildConcatArgs(o: { list: string; temp: string; ext: string; source?: { path: string; startTime: number; durationS: number; audioCodecs: string[] }; stereoMode?: string }): string[] {
  const container = containerFor(o.ext);
  if (!container) throw new AneloError('ANELO_E021_OUTPUT_NOT_WRITABLE', `unsupported output extension "${o.ext}"`, { file: o.temp });
  // The list and the segments are ours, but still only local files: no URL inside a list is ever followed.
  const args = ['-hide_banner', '-nostdin', '-y', '-protocol_whitelist', 'file,pipe', '-f', 'concat', '-safe', '0', '-i', o.list];
  const out = ['-map', '0:v:0', '-c:v', 'copy'];
  if (o.source && o.source.audioCodecs.length > 0) {
    args.push(...INPUT_SAFETY_OPTIONS, ...sourceSpanArgs(o.source.startTime, o.source.durationS), '-i', inputUrl(o.source.path));
    out.push('-map', '1:a');
    const copy = o.source.audioCodecs.every((c) => container.audioCopy.includes(c));
    out.push(...(copy ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k']));
    // Text subtitles copy into Matroska as they are; MP4 would need them converted, so they are left out there.
    if (container.format === 'matroska') out.push('-map', '1:s?', '-c:s', 'copy');
  }
  if (o.stereoMode && container.format === 'matroska') out.push('-metadata:s:v:0', `stereo_mode=${o.stereoMode}`);
  if (container.format === 'mp4' || container.format === 'mov') out.push('-movflags', '+faststart');
  return [...args, ...out, '-f', container.format, o.temp];
}

function runFfmpeg(args: string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // A listener added after the signal fired would never run: refuse before spawning.
    if (signal?.aborted) return reject(new AneloError('ANELO_E030_CANCELLED', 'join cancelled'));
    const proc = spawn(ffmpegPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const onAbort = (): void => void proc.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    proc.on('error', reject);
    proc.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(new AneloError('ANELO_E030_CANCELLED', 'join cancelled'));
      else if (code === 0) resolve();
      else reject(new Error(stderr.trim().split('\n').slice(-3).join(' | ') || `ffmpeg exited with ${code}`));
    });
  });
}

/** Joins `segments` into `output`; the output appears only when complete. */
export async function concatSegments(o: ConcatOptions): Promise<{ path: string; ms: number }> {
  const t0 = performance.now();
  const output = path.resolve(o.output);
  const ext = path.extname(output);
  const dir = path.dirname(output);
  const tag = randomBytes(4).toString('hex');
  const list = path.join(dir, `.${path.basename(output, ext)}.concat-${tag}.txt`);
  const temp = path.join(dir, `.${path.basename(output, ext)}.partial-${tag}${ext}`);
  try {
    for (const s of o.segments) await fs.access(s);
    await fs.writeFile(list, concatList(o.segments));
    let source: { path: string; startTime: number; durationS: number; audioCodecs: string[] } | undefined;
    if (o.streamsFrom) {
      const probe = await probeMedia(o.streamsFrom.path);
      source = { ...o.streamsFrom, audioCodecs: probe.audio.map((a) => a.codec) };
    }
    await runFfmpeg(buildConcatArgs({ list, temp, ext, source, stereoMode: o.stereoMode }), o.signal);
    await fs.rename(temp, output);
    return { path: output, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    await fs.rm(temp, { force: true });
    if (e instanceof AneloError) throw e;
    const full = /No space left|ENOSPC/i.test((e as Error).message);
    throw new AneloError(full ? 'ANELO_E090_DISK_FULL' : 'ANELO_E143_JOIN_FAILED', `joining ${o.segments.length} segments into ${output} failed: ${(e as Error).message}`, { file: output }, undefined, e);
  } finally {
    await fs.rm(list, { force: true });
  }
}
