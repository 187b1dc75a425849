/** The streams of a source besides its main video, as the encoder keeps them (see keep-streams.ts). */
import type { SourceStreams } from './keep-streams.ts';
import { ffprobeFile } from './fluent-ffmpeg-driver.ts';

export async function sourceStreams(file: string): Promise<SourceStreams> {
  const data = await ffprobeFile(file);
  const out: SourceStreams = { audio: [], subtitles: [], attachments: 0, other: [] };
  let videos = 0;
  for (const s of data.streams) {
    const codec = String(s.codec_name ?? 'unknown');
    const attachedPic = (s.disposition as Record<string, number> | undefined)?.attached_pic;
    if (s.codec_type === 'audio') out.audio.push(codec);
    else if (s.codec_type === 'subtitle') out.subtitles.push(codec);
    else if (s.codec_type === 'attachment') out.attachments++;
    else if (s.codec_type === 'video' && !attachedPic && videos++ === 0) continue;
    else out.other.push(`${attachedPic ? 'cover art' : String(s.codec_type)} ${codec}`);
  }
  return out;
}
