import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBinary, parseMajorVersion } from '../../../server/media/ffmpeg-paths.ts';

let dir: string;
/** A stand-in `ffmpeg` on a PATH of its own that prints the given version line. */
function fakeFfmpeg(sub: string, line: string): string {
  const d = path.join(dir, sub);
  mkdirSync(d);
  const f = path.join(d, 'ffmpeg');
  writeFileSync(f, `#!/bin/sh\necho "${line}"\n`);
  chmodSync(f, 0o755);
  return d;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-ffpaths-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('which ffmpeg', () => {
  it('reads major versions of release builds, not of snapshots', () => {
    expect(parseMajorVersion('ffmpeg version 6.1.1-3ubuntu5 Copyright (c) 2000-2023')).toBe(6);
    expect(parseMajorVersion('ffmpeg version n7.0.2 Copyright')).toBe(7);
    expect(parseMajorVersion('ffmpeg version 4.4.2-0ubuntu0.22.04.1')).toBe(4);
    expect(parseMajorVersion('ffmpeg version N-47683-g0e8eb07980-static')).toBeUndefined();
  });

  it('prefers a system ffmpeg of version 5 or newer on PATH', () => {
    const bin = fakeFfmpeg('new', 'ffmpeg version 6.1.1 Copyright (c) 2000-2023');
    const c = chooseBinary('ANELO_FFMPEG_PATH', '@ffmpeg-installer/ffmpeg', 'ffmpeg', { PATH: bin });
    expect(c).toMatchObject({ path: path.join(bin, 'ffmpeg'), source: 'system', major: 6 });
  });

  it('keeps the bundled one over an older system ffmpeg', () => {
    const bin = fakeFfmpeg('old', 'ffmpeg version 4.4.2-0ubuntu0.22.04.1');
    expect(chooseBinary('ANELO_FFMPEG_PATH', '@ffmpeg-installer/ffmpeg', 'ffmpeg', { PATH: bin }).source).toBe('bundled');
  });

  it('lets ANELO_FFMPEG_PATH win over both', () => {
    const bin = fakeFfmpeg('env', 'ffmpeg version 3.0');
    const newer = fakeFfmpeg('newer', 'ffmpeg version 7.0');
    const c = chooseBinary('ANELO_FFMPEG_PATH', '@ffmpeg-installer/ffmpeg', 'ffmpeg', { PATH: newer, ANELO_FFMPEG_PATH: path.join(bin, 'ffmpeg') });
    expect(c).toMatchObject({ path: path.join(bin, 'ffmpeg'), source: 'env' });
  });
});
