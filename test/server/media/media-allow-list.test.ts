import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobeFile } from '../../../server/media/fluent-ffmpeg-driver.ts';
import { probeMedia } from '../../../server/media/probe.ts';
import { sniffReferenceFile } from '../../../server/media/media-allow-list.ts';
import { VICTIM, writeHugeFrameClip, writeReferenceFiles } from '../../helpers/bad-media.ts';
import { hasShared } from '../../helpers/shared-data.ts';

let dir: string;
let refs: ReturnType<typeof writeReferenceFiles>;
const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-allow-'));
  refs = writeReferenceFiles(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasShared('media'))('media allow-list', () => {
  for (const kind of ['hls', 'hlsHttp', 'dash', 'concat', 'sdp'] as const) {
    it(`refuses ${kind} named like a video with E102, leaving the file as it was`, async () => {
      const before = sha(refs[kind]);
      const err = await probeMedia(refs[kind]).catch((e) => e);
      expect(err.code).toBe('ANELO_E102_MEDIA_FORMAT_REFUSED');
      expect(err.message).toMatch(/playlist|manifest|concat|SDP/);
      expect(sha(refs[kind])).toBe(before);
    });
  }

  it('confines ffprobe itself to plain containers: a concat list is refused by its whitelist, not only by sniffing', async () => {
    const err = await ffprobeFile(refs.concat).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/not on whitelist/);
  });

  it('passes a file name that looks like a protocol as a file, never as a URL', async () => {
    const { symlinkSync } = await import('node:fs');
    const odd = path.join(dir, 'concat:x|y.mp4');
    symlinkSync(VICTIM, odd);
    const p = await probeMedia(odd);
    expect([p.width, p.height, p.frameCount]).toEqual([176, 144, 120]);
  });

  it('bounds the wait for ffprobe: one stuck on a FIFO nobody writes is killed', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = path.join(dir, 'stuck.mp4');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    const err = await ffprobeFile(fifo, 1_000).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/no answer within 1 s/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('still reads a real clip', async () => {
    expect((await probeMedia(VICTIM)).formatName).toContain('mp4');
  });

  it('sniffs reference files by content, not by name', () => {
    expect(sniffReferenceFile('#EXTM3U\n')).toMatch(/HLS/);
    expect(sniffReferenceFile('\uFEFF<?xml version="1.0"?><MPD>')).toMatch(/DASH|XML/);
    expect(sniffReferenceFile("ffconcat version 1.0\nfile 'a.mp4'\n")).toMatch(/concat/);
    expect(sniffReferenceFile('v=0\ns=x\nm=video 5004 RTP/AVP 96\n')).toMatch(/SDP/);
    expect(sniffReferenceFile('\u0000\u0000\u0000\u0018ftypisom')).toBeUndefined();
  });
});

describe('pixel cap', () => {
  it('refuses a 16000x8000 file at probe with E103, before decoding anything', async () => {
    const huge = await writeHugeFrameClip(path.join(dir, 'tiny-but-huge.mp4'));
    const t0 = Date.now();
    const err = await probeMedia(huge).catch((e) => e);
    expect(err.code).toBe('ANELO_E103_FRAME_TOO_LARGE');
    expect(err.message).toContain('16000x8000');
    expect(Date.now() - t0).toBeLessThan(5_000);
  }, 30_000);

  it.skipIf(!hasShared('media'))('takes its limit from ANELO_MAX_PIXELS', async () => {
    const old = process.env.ANELO_MAX_PIXELS;
    process.env.ANELO_MAX_PIXELS = String(176 * 144 - 1);
    try {
      expect((await probeMedia(VICTIM).catch((e) => e)).code).toBe('ANELO_E103_FRAME_TOO_LARGE');
      process.env.ANELO_MAX_PIXELS = 'lots';
      expect((await probeMedia(VICTIM).catch((e) => e)).code).toBe('ANELO_E050_BAD_ARGUMENT');
    } finally {
      if (old === undefined) delete process.env.ANELO_MAX_PIXELS;
      else process.env.ANELO_MAX_PIXELS = old;
    }
  });
});
