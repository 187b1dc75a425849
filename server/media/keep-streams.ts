/**
 * Which of a source's other streams an encode keeps, and how: every audio track (copied when the container takes
 * the codec, else AAC), every subtitle track (converted only where the container needs it: text to mov_text in
 * MP4/MOV, mov_text to SubRip in Matroska), fonts in Matroska, chapters and global metadata. What cannot be kept
 * is named in a warning instead of vanishing. Pure, so the exact mapping is testable without ffmpeg.
 */

export interface SourceStreams {
  /** Codec names, in stream order, per type. */
  audio: string[];
  subtitles: string[];
  attachments: number;
  /** Streams of other kinds (data, extra video): `type codec` each. */
  other: string[];
}

type Container = 'mp4' | 'mov' | 'matroska';

const TEXT_SUBS = ['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'mov_text', 'text'];

function subtitleCodec(container: Container, codec: string): string | undefined {
  if (container === 'matroska') {
    if (codec === 'mov_text' || codec === 'text') return 'srt';
    return ['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'dvd_subtitle', 'hdmv_pgs_subtitle', 'dvb_subtitle'].includes(codec) ? 'copy' : undefined;
  }
  if (codec === 'mov_text') return 'copy';
  if (TEXT_SUBS.includes(codec)) return 'mov_text';
  return codec === 'dvd_subtitle' ? 'copy' : undefined;
}

/**
 * Output options mapping the source (ffmpeg input `inputIndex`) streams into the output, after the video map.
 * `audioCopy` lists the audio codecs the container takes as they are.
 */
export function keepStreamsArgs(container: Container, src: SourceStreams, audioCopy: readonly string[], inputIndex = 1): { outputOptions: string[]; warnings: string[] } {
  const out: string[] = [];
  const warnings: string[] = [];
  src.audio.forEach((codec, i) => {
    out.push('-map', `${inputIndex}:a:${i}`);
    if (audioCopy.includes(codec)) out.push(`-c:a:${i}`, 'copy');
    else out.push(`-c:a:${i}`, 'aac', `-b:a:${i}`, '192k');
  });
  let kept = 0;
  src.subtitles.forEach((codec, i) => {
    const c = subtitleCodec(container, codec);
    if (!c) {
      warnings.push(`subtitle track ${i + 1} (${codec}) cannot be stored in ${container === 'matroska' ? 'MKV' : container.toUpperCase()} and was not kept: use .mkv to keep it`);
      return;
    }
    out.push('-map', `${inputIndex}:s:${i}`, `-c:s:${kept}`, c);
    kept++;
  });
  if (src.attachments > 0) {
    if (container === 'matroska') out.push('-map', `${inputIndex}:t?`);
    else warnings.push(`${src.attachments} attachment(s) (fonts) cannot be stored in ${container.toUpperCase()} and were not kept: use .mkv to keep them`);
  }
  for (const o of src.other) warnings.push(`source stream "${o}" was not kept (anelo writes one video stream plus audio and subtitles)`);
  out.push('-map_metadata', String(inputIndex), '-map_chapters', String(inputIndex));
  return { outputOptions: out, warnings };
}
