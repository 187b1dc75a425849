/**
 * Small hostile or unusual media files for hardening tests, made on the spot (never committed): manifests and
 * playlists that point ffmpeg at other files or URLs, a tiny file declaring huge frames, a clip with several
 * audio tracks and a subtitle track.
 */
import { execFile } from 'node:child_process';
import { readFileSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../server/media/ffmpeg-paths.ts';
import { sharedPath } from './shared-data.ts';

const run = promisify(execFile);

/** A clip the reference files point at: reading it through them would be the local-file leak. */
export const VICTIM = sharedPath('media', 'carphone-176x144.mp4');

/** Manifests, playlists and lists named like videos; each makes ffmpeg open `VICTIM` or a URL. */
export function writeReferenceFiles(dir: string): Record<'hls' | 'hlsHttp' | 'dash' | 'concat' | 'sdp', string> {
  const files = {
    hls: ['holiday.mp4', `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:5\n#EXTINF:4.0,\nfile://${VICTIM}\n#EXT-X-ENDLIST\n`],
    hlsHttp: ['trip.mp4', '#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:4.0,\nhttp://127.0.0.1:9/segment.ts\n#EXT-X-ENDLIST\n'],
    dash: [
      'beach.mp4',
      `<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT4S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">\n<BaseURL>http://127.0.0.1:9/</BaseURL>\n<Period><AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="1000" width="176" height="144"><BaseURL>file://${VICTIM}</BaseURL></Representation></AdaptationSet></Period></MPD>\n`,
    ],
    concat: ['party.mp4', `ffconcat version 1.0\nfile '${VICTIM}'\n`],
    sdp: ['stream.mp4', 'v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video 5004 RTP/AVP 96\na=rtpmap:96 H264/90000\n'],
  } as const;
  const out = {} as Record<keyof typeof files, string>;
  for (const [k, [name, text]] of Object.entries(files) as [keyof typeof files, readonly [string, string]][]) {
    out[k] = path.join(dir, name);
    writeFileSync(out[k], text);
  }
  return out;
}

async function ffmpeg(args: string[]): Promise<void> {
  await run(ffmpegPath(), ['-v', 'error', '-y', ...args]);
}

/** One 16000x8000 frame of H.264 (about 370 KB), the shape of the file that reached 4 GB RSS. */
export async function writeHugeFrameClip(file: string): Promise<string> {
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=16000x8000:r=25', '-frames:v', '1', '-c:v', 'libx264', '-preset', 'ultrafast', file]);
  return file;
}

/** carphone (4 s) with two audio tracks (English, German) and one subtitle track, in MP4 (mov_text) or MKV (SubRip). */
export async function writeMultiStreamClip(file: string): Promise<string> {
  const srt = `${file}.srt`;
  writeFileSync(srt, '1\n00:00:00,000 --> 00:00:02,000\nHello\n\n2\n00:00:02,000 --> 00:00:03,500\nWorld\n');
  const mp4 = file.endsWith('.mp4');
  await ffmpeg([
    '-i', VICTIM,
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4',
    '-f', 'lavfi', '-i', 'sine=frequency=660:duration=4',
    '-i', srt,
    '-map', '0:v', '-map', '1:a', '-map', '2:a', '-map', '3:s',
    '-c:v', 'copy', '-c:a', 'aac', '-c:s', mp4 ? 'mov_text' : 'srt',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=deu', '-metadata', 'title=Multi stream test',
    '-shortest', file,
  ]);
  return file;
}

/** One second of moving test pattern as interlaced H.264 (top field first): fields 1/50 s apart comb on motion. */
export async function writeInterlacedClip(file: string): Promise<string> {
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=50:d=1', '-vf', 'tinterlace=mode=interleave_top,setfield=tff', '-c:v', 'libx264', '-preset', 'ultrafast', '-flags', '+ildct+ilme', '-x264opts', 'tff=1', file]);
  return file;
}

/** A copy of `VICTIM` with bursts of random bytes through its video data: it decodes, with errors. */
export function writeDamagedClip(file: string): string {
  const d = Buffer.from(readFileSync(VICTIM));
  let seed = 1;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
  for (let off = 150_000; off < Math.min(d.length - 300, 400_000); off += 20_000) for (let i = 0; i < 300; i++) d[off + i] = rand();
  writeFileSync(file, d);
  return file;
}

/**
 * `VICTIM` re-encoded with its index first (faststart) and a keyframe every 10 frames, then cut to `keep` of its bytes:
 * a download that did not finish. Its header still lists all 120 frames; its video stops about that far in.
 */
export async function writeCutShortClip(file: string, keep = 0.5): Promise<string> {
  await ffmpeg(['-i', VICTIM, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-movflags', '+faststart', file]);
  truncateSync(file, Math.floor(statSync(file).size * keep));
  return file;
}
