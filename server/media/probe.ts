/** ffprobe metadata in the shape nodes use, with coded errors for missing and non-video files. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';
import type { AudioStreamInfo, ColourTags, ProbeResult } from '../../nodes/core/types.ts';
import { ffprobeFile } from './fluent-ffmpeg-driver.ts';
import { checkFormatName, refuseReferenceFile } from './media-allow-list.ts';
import { maxPixels } from './max-pixels.ts';

function rate(s: unknown): number {
  if (typeof s !== 'string') return NaN;
  const [n, d] = s.split('/').map(Number);
  return d ? n / d : n;
}

/**
 * The stream's sample aspect ratio as "width:height" in lowest terms when its pixels are not square; undefined when
 * they are, or the header says nothing usable ("0:1", "N/A") or something implausible (a pixel more than 4 times as
 * wide as tall, or as tall as wide, is a broken header, not a format). Turned by a 90 or 270 degree rotation.
 */
export function sampleAspectOf(stream: Record<string, unknown>, rotation = 0): string | undefined {
  const m = /^(\d+):(\d+)$/.exec(String(stream.sample_aspect_ratio ?? ''));
  if (!m) return undefined;
  let w = Number(m[1]);
  let h = Number(m[2]);
  if (!(w > 0 && h > 0 && w / h >= 0.25 && w / h <= 4) || w === h) return undefined;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(w, h);
  [w, h] = [w / g, h / g];
  return rotation === 90 || rotation === 270 ? `${h}:${w}` : `${w}:${h}`;
}

/** A colour field ffprobe gave, unless it says nothing ("unknown", "unspecified", "reserved") or is malformed. */
function colourField(v: unknown): string | undefined {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  return /^[a-z0-9-]{2,24}$/.test(s) && !['unknown', 'unspecified', 'reserved'].includes(s) ? s : undefined;
}

/** The colour coding a video stream declares; undefined when it declares none of it. */
export function colourOf(stream: Record<string, unknown>): ColourTags | undefined {
  const tags = { matrix: colourField(stream.color_space), primaries: colourField(stream.color_primaries), transfer: colourField(stream.color_transfer) };
  return tags.matrix || tags.primaries || tags.transfer ? tags : undefined;
}

/** Containers without an index: a seek lands by byte position or timestamp search, not on a keyframe. */
const UNINDEXED = new Set(['mpegts', 'mpeg', 'mpegvideo', 'h264', 'hevc', 'm4v', 'flv', 'ivf']);
/** Pre-roll for those: more than the longest group of pictures of broadcast (≤ 2 s) and camcorder (0.5 s) files. */
export const SEEK_PRE_ROLL_S = 6;

/** Seconds from the file's start to the video stream's first frame (0 when either is unknown). */
export function videoStartOf(stream: Record<string, unknown>, format: Record<string, unknown>): number {
  const v = Number(stream.start_time);
  const f = Number(format.start_time);
  return Number.isFinite(v) && Number.isFinite(f) && v > f ? v - f : 0;
}

function rotationOf(stream: Record<string, unknown>): number {
  const tags = (stream.tags ?? {}) as Record<string, string>;
  if (tags.rotate !== undefined) return ((Number(tags.rotate) % 360) + 360) % 360;
  // fluent-ffmpeg flattens side data onto the stream; ffprobe's JSON nests it. Either way the sign only
  // says which way to turn, and ffmpeg's autorotate does the turning: size is what matters here.
  if (stream.rotation !== undefined && Number.isFinite(Number(stream.rotation))) return ((-Number(stream.rotation) % 360) + 360) % 360;
  const sideData = (stream.side_data_list ?? []) as Record<string, unknown>[];
  for (const sd of sideData) {
    if (typeof sd.rotation === 'number') return ((-sd.rotation % 360) + 360) % 360;
  }
  return 0;
}

export async function probeMedia(file: string): Promise<ProbeResult> {
  const abs = path.resolve(file);
  let stat;
  try {
    stat = await fs.stat(abs);
  } catch {
    throw new AneloError('ANELO_E010_INPUT_MISSING', `input file not found: ${abs}`, { file: abs });
  }
  if (!stat.isFile()) throw new AneloError('ANELO_E011_NOT_A_VIDEO', `input is not a file: ${abs}`, { file: abs });
  try {
    await refuseReferenceFile(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new AneloError('ANELO_E108_INPUT_NOT_READABLE', `cannot read ${abs}: permission denied`, { file: abs }, undefined, e);
    throw e;
  }
  let data;
  try {
    data = await ffprobeFile(abs);
  } catch (e) {
    const message = (e as Error).message;
    if (/not on whitelist/i.test(message)) {
      throw new AneloError('ANELO_E102_MEDIA_FORMAT_REFUSED', `${abs} is not a self-contained video file (${lastLine(message)})`, { file: abs }, undefined, e);
    }
    if (/Permission denied/i.test(message)) throw new AneloError('ANELO_E108_INPUT_NOT_READABLE', `cannot read ${abs}: permission denied`, { file: abs }, undefined, e);
    throw new AneloError('ANELO_E011_NOT_A_VIDEO', `not a readable video: ${abs} (${lastLine(message)})`, { file: abs }, undefined, e);
  }
  checkFormatName(abs, String(data.format.format_name));
  const video = data.streams.find((s) => s.codec_type === 'video' && !(s.disposition as Record<string, number> | undefined)?.attached_pic);
  const fps = video ? rate(video.avg_frame_rate) || rate(video.r_frame_rate) : NaN;
  if (!video || !(Number(video.width) > 0) || !(fps > 0)) {
    throw new AneloError('ANELO_E011_NOT_A_VIDEO', `no video stream in ${abs}`, { file: abs });
  }
  const rotation = rotationOf(video);
  const width = Number(video.width);
  const height = Number(video.height);
  const limit = maxPixels();
  if (width * height > limit) {
    throw new AneloError('ANELO_E103_FRAME_TOO_LARGE', `${abs} has ${width}x${height} frames (${width * height} pixels), above the limit of ${limit} (ANELO_MAX_PIXELS; the default fits 8K)`, { file: abs });
  }
  const swap = rotation === 90 || rotation === 270;
  const durationS = Number(video.duration) || Number(data.format.duration) || 0;
  const nb = Number(video.nb_frames);
  const rFps = rate(video.r_frame_rate);
  const variableFrameRate = Number.isFinite(rFps) && Math.abs(rFps - fps) > 0.01;
  const frameCount = nb > 0 && !variableFrameRate ? nb : Math.max(1, Math.round(durationS * fps));
  const audio: AudioStreamInfo[] = data.streams
    .filter((s) => s.codec_type === 'audio')
    .map((s) => ({ index: Number(s.index), codec: String(s.codec_name), channels: Number(s.channels) || 0, sampleRate: Number(s.sample_rate) || 0 }));
  return {
    path: abs,
    width,
    height,
    displayWidth: swap ? height : width,
    displayHeight: swap ? width : height,
    rotation,
    sampleAspect: sampleAspectOf(video, rotation),
    colour: colourOf(video),
    videoStartS: videoStartOf(video, data.format),
    seekPreRollS: String(data.format.format_name).split(',').some((f) => UNINDEXED.has(f)) ? SEEK_PRE_ROLL_S : 0,
    fps,
    variableFrameRate,
    durationS,
    frameCount,
    codec: String(video.codec_name),
    audio,
    formatName: String(data.format.format_name),
    // ffprobe's field_order: tt/bb/tb/bt are interlaced; progressive or unknown are not.
    interlaced: ['tt', 'bb', 'tb', 'bt'].includes(String(video.field_order)),
    sizeBytes: stat.size,
    mtimeMs: stat.mtimeMs,
  };
}

function lastLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? 'unknown error';
}
