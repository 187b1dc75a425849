import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeOptions } from '../../../nodes/core/types.ts';
import { openEncoder } from '../../../server/media/encoder.ts';
import { ffprobeFile } from '../../../server/media/fluent-ffmpeg-driver.ts';
import { keepStreamsArgs } from '../../../server/media/keep-streams.ts';
import { writeMultiStreamClip } from '../../helpers/bad-media.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

const SOURCE = sharedPath('media', 'carphone-176x144.mp4');
const W = 64;
const H = 48;
let dir: string;
const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');
const frame = (v: number): Uint8Array => new Uint8Array(W * H * 3).fill(v);
const opts = (output: string, extra: Partial<EncodeOptions> = {}): EncodeOptions => ({ output, width: W, height: H, fps: 25, codec: 'h264', crf: 30, preset: 'ultrafast', evenSize: 'pad', ...extra });
/** Anything in the folder besides what the test put there: partials, temps. */
const leftovers = (d: string, keep: string[]): string[] => readdirSync(d).filter((n) => !keep.includes(n));

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-enc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasShared('media'))('encoder never destroys its source', () => {
  it('refuses an output that is the audio source (E100), the source unchanged', async () => {
    const src = path.join(dir, 'src.mp4');
    writeFileSync(src, readFileSync(SOURCE));
    const before = sha(src);
    const err = await openEncoder(opts(src, { audioFrom: { path: src, startTime: 0, durationS: 1 } })).catch((e) => e);
    expect(err.code).toBe('ANELO_E100_OUTPUT_IS_SOURCE');
    expect(sha(src)).toBe(before);
  });

  it('refuses the source reached through a symlink (E100)', async () => {
    const src = path.join(dir, 'src2.mp4');
    writeFileSync(src, readFileSync(SOURCE));
    const link = path.join(dir, 'link.mp4');
    symlinkSync(src, link);
    const err = await openEncoder(opts(link, { audioFrom: { path: src, startTime: 0, durationS: 1 } })).catch((e) => e);
    expect(err.code).toBe('ANELO_E100_OUTPUT_IS_SOURCE');
    expect(sha(src)).toBe(sha(SOURCE));
  });
});

describe('encoder refuses non-regular outputs before any work', () => {
  it('a directory named like a video: E101, the folder and its content untouched', async () => {
    const d = path.join(dir, 'folder.mp4');
    mkdirSync(d);
    writeFileSync(path.join(d, 'inside.txt'), 'x');
    const err = await openEncoder(opts(d)).catch((e) => e);
    expect(err.code).toBe('ANELO_E101_OUTPUT_NOT_REGULAR');
    expect(readdirSync(d)).toEqual(['inside.txt']);
  });

  it.skipIf(!statSync('/dev/full', { throwIfNoEntry: false })?.isCharacterDevice())('a device behind a video name (symlink to /dev/full): E101, still a device afterwards', async () => {
    const link = path.join(dir, 'full.mp4');
    symlinkSync('/dev/full', link);
    const err = await openEncoder(opts(link)).catch((e) => e);
    expect(err.code).toBe('ANELO_E101_OUTPUT_NOT_REGULAR');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(leftovers(dir, []).filter((n) => n.startsWith('.full'))).toEqual([]);
  });
});

describe('encoder never hangs on an early cancel', () => {
  it('a signal aborted before opening: E030 at once, no ffmpeg, no file', async () => {
    const c = new AbortController();
    c.abort();
    const out = path.join(dir, 'early.mp4');
    await expect(openEncoder(opts(out, { signal: c.signal }))).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
    expect(leftovers(dir, []).filter((n) => n.includes('early'))).toEqual([]);
  });

  for (const delayMs of [0, 100, 1000]) {
    it(`cancel ${delayMs} ms after opening (ffmpeg possibly not spawned yet): settles within 5 s, leaves nothing`, async () => {
      const sub = mkdtempSync(path.join(dir, 'cancel-'));
      const c = new AbortController();
      const sink = await openEncoder(opts(path.join(sub, 'out.mp4'), { signal: c.signal }));
      const writing = (async () => {
        // Until the cancel lands: an encode that finished first would prove nothing.
        for (let i = 0; i < 1_000_000; i++) await sink.write(frame(i % 255));
      })().catch((e) => e);
      await new Promise((r) => setTimeout(r, delayMs));
      const t0 = Date.now();
      c.abort();
      const werr = await writing;
      await sink.abort();
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(werr?.code).toBe('ANELO_E030_CANCELLED');
      expect(readdirSync(sub)).toEqual([]);
    }, 20_000);
  }

  it('abort() right after opening, with no frame written, returns and leaves no partial', async () => {
    const sub = mkdtempSync(path.join(dir, 'abort-'));
    const sink = await openEncoder(opts(path.join(sub, 'out.mp4')));
    const t0 = Date.now();
    await sink.abort();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(readdirSync(sub)).toEqual([]);
  });
});

describe.skipIf(!hasShared('media'))('every stream is kept', () => {
  for (const ext of ['.mp4', '.mkv']) {
    it(`a clip with two audio tracks and a subtitle keeps all of them, their languages and the title (${ext})`, async () => {
      const src = await writeMultiStreamClip(path.join(dir, `multi${ext}`));
      const out = path.join(dir, `multi-out${ext}`);
      const sink = await openEncoder(opts(out, { audioFrom: { path: src, startTime: 0, durationS: 2 } }));
      for (let i = 0; i < 50; i++) await sink.write(frame(i * 4));
      const done = await sink.finish();
      expect(done.warnings).toEqual([]);
      const probe = await ffprobeFile(out);
      const types = probe.streams.map((s) => s.codec_type);
      expect(types.filter((t) => t === 'video')).toHaveLength(1);
      expect(types.filter((t) => t === 'audio')).toHaveLength(2);
      expect(types.filter((t) => t === 'subtitle')).toHaveLength(1);
      const langs = probe.streams.filter((s) => s.codec_type === 'audio').map((s) => (s.tags as Record<string, string> | undefined)?.language);
      expect(langs).toEqual(['eng', 'deu']);
      expect(JSON.stringify(probe.format.tags ?? {})).toContain('Multi stream test');
    }, 30_000);
  }

  it('says what it cannot keep instead of dropping it silently', () => {
    const r = keepStreamsArgs('mp4', { audio: ['aac', 'flac'], subtitles: ['subrip', 'hdmv_pgs_subtitle'], attachments: 1, other: ['data bin_data'] }, ['aac']);
    expect(r.outputOptions.join(' ')).toContain('-map 1:a:0 -c:a:0 copy -map 1:a:1 -c:a:1 aac');
    expect(r.outputOptions.join(' ')).toContain('-map 1:s:0 -c:s:0 mov_text');
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings.join('\n')).toMatch(/hdmv_pgs_subtitle.*not kept/);
    const mkv = keepStreamsArgs('matroska', { audio: [], subtitles: ['mov_text', 'hdmv_pgs_subtitle'], attachments: 1, other: [] }, []);
    expect(mkv.outputOptions.join(' ')).toContain('-map 1:s:0 -c:s:0 srt -map 1:s:1 -c:s:1 copy -map 1:t?');
    expect(mkv.warnings).toEqual([]);
  });
});

