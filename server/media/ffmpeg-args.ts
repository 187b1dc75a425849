/**
 * Flat ffmpeg argument lists, each built from one validated options object. Pure functions, so the exact
 * command for a decode or an encode is testable without running ffmpeg.
 */
import { sampleAspectRatio } from '../../nodes/core/sample-aspect.ts';
import type { EncodeOptions, StereoLayout } from '../../nodes/core/types.ts';
import { keepStreamsArgs, type SourceStreams } from './keep-streams.ts';

export interface DecodeArgs {
  input: string;
  /** Seconds to seek (accurate seek: ffmpeg decodes from the previous keyframe and drops frames before it). */
  seekS: number;
  fps: number;
  width: number;
  height: number;
  maxFrames?: number;
  /** Interlaced source: yadif, one frame per frame, only on frames flagged interlaced. */
  deinterlace?: boolean;
  /**
   * A pre-rolled seek in a file without an index: the frame grid starts at the seek point (the first frames repeat
   * until the first keyframe decodes) and its first `dropFrames` frames are dropped before they are scaled.
   */
  preRoll?: { dropFrames: number };
}

/** Arguments (after the input) for raw RGB24 frames at a constant rate, rotation applied (ffmpeg autorotates). */
export function buildDecodeArgs(a: DecodeArgs): { inputOptions: string[]; outputOptions: string[] } {
  const inputOptions = a.seekS > 0 ? ['-ss', a.seekS.toFixed(6)] : [];
  const filters = a.preRoll
    ? // The trimmed stream starts at 0 again: starting later, ffmpeg would fill the gap with copies of its first frame.
      [`fps=fps=${a.fps}:start_time=0`, ...(a.preRoll.dropFrames > 0 ? [`trim=start_frame=${a.preRoll.dropFrames}`, 'setpts=PTS-STARTPTS'] : []), `scale=${a.width}:${a.height}:flags=bicubic`]
    : [`fps=fps=${a.fps}`, `scale=${a.width}:${a.height}:flags=bicubic`];
  // Before the rate change and the scale, which would otherwise blend the two fields of a frame into combs.
  if (a.deinterlace) filters.unshift('yadif=mode=send_frame:parity=auto:deint=interlaced');
  const outputOptions = ['-an', '-sn', '-vf', filters.join(','), '-f', 'rawvideo', '-pix_fmt', 'rgb24'];
  if (a.maxFrames !== undefined) outputOptions.push('-frames:v', String(a.maxFrames));
  return { inputOptions, outputOptions };
}

const CONTAINERS: Record<string, { format: 'mp4' | 'mov' | 'matroska'; audioCopy: readonly string[] }> = {
  '.mp4': { format: 'mp4', audioCopy: ['aac', 'mp3', 'ac3', 'eac3', 'alac'] },
  '.m4v': { format: 'mp4', audioCopy: ['aac', 'mp3', 'ac3', 'eac3', 'alac'] },
  '.mov': { format: 'mov', audioCopy: ['aac', 'mp3', 'ac3', 'alac', 'pcm_s16le'] },
  '.mkv': { format: 'matroska', audioCopy: ['aac', 'mp3', 'ac3', 'eac3', 'opus', 'vorbis', 'flac', 'pcm_s16le', 'dts'] },
};

export function containerFor(ext: string): { format: 'mp4' | 'mov' | 'matroska'; audioCopy: readonly string[] } | undefined {
  return CONTAINERS[ext.toLowerCase()];
}

/** Matroska's stereo_mode values for each layout (mono layouts have none). */
const MATROSKA_STEREO: Partial<Record<StereoLayout, string>> = {
  'sbs-full': 'left_right',
  'sbs-half': 'left_right',
  'tb-full': 'top_bottom',
  'tb-half': 'top_bottom',
  'cross-eyed': 'right_left',
  anaglyph: 'anaglyph_cyan_red',
};

/** Matroska's stereo_mode for a layout, or undefined for mono (a stream-copy join must set it again). */
export function matroskaStereoMode(layout: StereoLayout | undefined): string | undefined {
  return layout ? MATROSKA_STEREO[layout] : undefined;
}

/** File-name suffixes players (VLC, Kodi, DeoVR, Skybox) recognise for stereo layouts. */
export function stereoFileSuffix(layout: StereoLayout | undefined): string {
  switch (layout) {
    case 'sbs-full':
      return '_LRF_Full_SBS';
    case 'sbs-half':
      return '_SBS';
    case 'tb-full':
      return '_LRF_Full_TB';
    case 'tb-half':
      return '_TB';
    case 'cross-eyed':
      return '_RLF_Full_SBS';
    case 'anaglyph':
      return '_anaglyph';
    default:
      return '';
  }
}

export interface EncodeArgs extends Pick<EncodeOptions, 'width' | 'height' | 'fps' | 'codec' | 'crf' | 'preset' | 'evenSize' | 'stereoLayout' | 'sampleAspect' | 'colour'> {
  /** Extension of the final output, which decides the container. */
  ext: string;
  /** The source's other streams (audio, subtitles, chapters, metadata) and the time span to take them from. */
  audio?: { startTime: number; durationS: number; streams: SourceStreams };
}

/** swscale's name for each YUV matrix ffprobe reports (vf_scale's out_color_matrix). */
const SWS_MATRIX: Record<string, string> = { bt709: 'bt709', smpte170m: 'smpte170m', bt470bg: 'bt601', fcc: 'fcc', smpte240m: 'smpte240m', bt2020nc: 'bt2020', bt2020c: 'bt2020' };
const PRIMARIES = new Set(['bt709', 'bt470m', 'bt470bg', 'smpte170m', 'smpte240m', 'film', 'bt2020', 'smpte428', 'smpte431', 'smpte432', 'jedec-p22']);
const TRANSFERS = new Set(['bt709', 'gamma22', 'gamma28', 'smpte170m', 'smpte240m', 'linear', 'iec61966-2-4', 'bt1361e', 'iec61966-2-1', 'bt2020-10', 'bt2020-12', 'smpte2084', 'smpte428', 'arib-std-b67']);

/**
 * The source's colour coding on the way out: RGB goes back to YUV with the matrix the decode came from, and the
 * stream declares matrix, primaries and transfer as the source did. Undeclared, swscale would use BT.601 and leave
 * the file untagged, which players show as BT.709 at HD sizes: a BT.709 source's (200, 50, 20) showed as (211, 58, 14).
 * What the source does not declare (or ffmpeg cannot name) stays as before.
 */
export function colourArgs(c: EncodeArgs['colour']): { convert: string; declare: string[] } {
  const matrix = c?.matrix ? SWS_MATRIX[c.matrix] : undefined;
  const declare: string[] = [];
  if (matrix) declare.push('-colorspace', c!.matrix!);
  if (c?.primaries && PRIMARIES.has(c.primaries)) declare.push('-color_primaries', c.primaries);
  if (c?.transfer && TRANSFERS.has(c.transfer)) declare.push('-color_trc', c.transfer);
  if (declare.length > 0) declare.push('-color_range', 'tv');
  return { convert: matrix ? `scale=out_color_matrix=${matrix}:out_range=tv,` : '', declare };
}

/**
 * Input options that take a source's other streams (audio, subtitles) over `durationS` seconds from `startTime`
 * (seconds from the file's start). Never a seek to exactly 0: ffmpeg then re-bases an MPEG-TS or -PS input on the
 * first stream it uses (its timestamp-discontinuity handling), and audio that starts 0.5 s after the video came out
 * at 0, 0.5 s early.
 */
export function sourceSpanArgs(startTime: number, durationS: number): string[] {
  return ['-ss', Math.max(startTime, 1e-6).toFixed(6), '-t', durationS.toFixed(6)];
}

/** Inputs and output options for an encode fed raw RGB24 frames on stdin (input 0), audio from input 1. */
export function buildEncodeArgs(a: EncodeArgs): { videoInputOptions: string[]; audioInputOptions: string[]; outputOptions: string[]; warnings: string[] } {
  const container = containerFor(a.ext) ?? CONTAINERS['.mp4'];
  const videoInputOptions = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${a.width}x${a.height}`, '-r', String(a.fps)];
  // yuv420p needs even sides: pad adds a black row/column, crop drops the last one. Even frames skip the filter: pad
  // copies every frame even when it adds nothing (0.17 s of ffmpeg's CPU over 48 frames of 3840x1080, the same bytes).
  const odd = a.width % 2 === 1 || a.height % 2 === 1;
  const even = !odd ? '' : a.evenSize === 'crop' ? 'crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0,' : 'pad=ceil(iw/2)*2:ceil(ih/2)*2:0:0:black,';
  // Raw frames carry no pixel shape: a source with non-square pixels (DVD, HDV) is flagged again, or players would
  // show it stretched. Every layout keeps the source's: full side-by-side is twice as wide in the same pixels, half
  // side-by-side is squeezed to the source's own frame shape, as that format is meant to be.
  const sar = sampleAspectRatio(a.sampleAspect) !== 1 ? `,setsar=${a.sampleAspect!.replace(':', '/')}` : '';
  const colour = colourArgs(a.colour);
  const outputOptions = ['-map', '0:v:0', '-vf', `${even}${colour.convert}format=yuv420p${sar}`, ...colour.declare];
  if (a.codec === 'h265') outputOptions.push('-c:v', 'libx265', '-x265-params', 'log-level=error');
  else outputOptions.push('-c:v', 'libx264');
  outputOptions.push('-preset', a.preset, '-crf', String(a.crf), '-pix_fmt', 'yuv420p');
  if (a.codec === 'h265' && container.format !== 'matroska') outputOptions.push('-tag:v', 'hvc1');
  let audioInputOptions: string[] = [];
  let warnings: string[] = [];
  if (a.audio) {
    audioInputOptions = sourceSpanArgs(a.audio.startTime, a.audio.durationS);
    const kept = keepStreamsArgs(container.format, a.audio.streams, container.audioCopy);
    outputOptions.push(...kept.outputOptions);
    warnings = kept.warnings;
  }
  const stereo = a.stereoLayout ? MATROSKA_STEREO[a.stereoLayout] : undefined;
  if (stereo && container.format === 'matroska') outputOptions.push('-metadata:s:v:0', `stereo_mode=${stereo}`);
  if (container.format === 'mp4' || container.format === 'mov') outputOptions.push('-movflags', '+faststart');
  outputOptions.push('-f', container.format);
  return { videoInputOptions, audioInputOptions, outputOptions, warnings };
}
