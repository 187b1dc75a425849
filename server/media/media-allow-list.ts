/**
 * What ffmpeg may open. Manifests, playlists, concat lists and SDP files make ffmpeg open further URLs named
 * inside them (file:// anywhere on disk, http:// anywhere on the network), so an upload named holiday.mp4 could
 * read local files or make the server fetch a URL. Every ffmpeg/ffprobe input therefore gets a protocol whitelist
 * (local files and pipes only) and a demuxer whitelist (plain containers only), and inputs are passed as explicit
 * `file:` URLs so a name can never select a protocol.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';

/** Demuxers of self-contained video containers (ffmpeg's names; a demuxer matches when any of its names is here). */
export const ALLOWED_DEMUXERS = ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'avi', 'mpegts', 'mpeg', 'flv', 'ogg', 'asf', 'mxf', 'nut', 'ivf', 'h264', 'hevc', 'm4v', 'yuv4mpegpipe'] as const;

/** Input options that confine one ffmpeg/ffprobe input to a local file of an allowed container. */
export const INPUT_SAFETY_OPTIONS: readonly string[] = ['-protocol_whitelist', 'file,pipe', '-format_whitelist', ALLOWED_DEMUXERS.join(',')];

/** An explicit file URL: "http:foo.mp4" or "concat:a|b" in a file name stays a file name. */
export function inputUrl(file: string): string {
  return `file:${path.resolve(file)}`;
}

/** True when one of ffprobe's format names (comma-separated) is allowed. */
export function isAllowedFormat(formatName: string): boolean {
  return formatName.split(',').some((n) => (ALLOWED_DEMUXERS as readonly string[]).includes(n.trim()));
}

const SNIFF_BYTES = 4096;

/** Names the kind of reference file (manifest, playlist, list) the first bytes show, or undefined. */
export function sniffReferenceFile(head: string): string | undefined {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (/^#EXTM3U/i.test(text)) return 'an HLS playlist (m3u8)';
  if (/<MPD[\s>]/i.test(text)) return 'a DASH manifest (mpd)';
  if (/^<\?xml/i.test(text) || /^<smil/i.test(text)) return 'an XML document (manifest or playlist)';
  if (/^ffconcat\s+version/i.test(text) || /^(file|duration|inpoint)\s+\S/m.test(text.slice(0, 512)) && /^file\s+/m.test(text)) return 'a concat list';
  if (/^v=0\s*$/m.test(text) && /^m=(video|audio|application)\s/m.test(text)) return 'an SDP session description';
  if (/^\[playlist\]/i.test(text) || /^#EXTINF/m.test(text)) return 'a playlist';
  return undefined;
}

/** Throws E102 for a file whose content is a manifest, playlist, concat list or SDP, whatever its name. */
export async function refuseReferenceFile(file: string): Promise<void> {
  let head = '';
  const h = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await h.read(buf, 0, SNIFF_BYTES, 0);
    head = buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await h.close();
  }
  const kind = sniffReferenceFile(head);
  if (kind) {
    throw new AneloError('ANELO_E102_MEDIA_FORMAT_REFUSED', `${file} is ${kind}, which makes ffmpeg open other files or URLs: only self-contained video files are accepted`, { file });
  }
}

/** Throws E102 unless ffprobe's format name is an allowed container. */
export function checkFormatName(file: string, formatName: string): void {
  if (!isAllowedFormat(formatName)) {
    throw new AneloError('ANELO_E102_MEDIA_FORMAT_REFUSED', `${file} is in format "${formatName}", which anelo does not read: use MP4, MKV, MOV, WebM, AVI, MPEG-TS or similar`, { file });
  }
}
