import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputPath } from '../../../server/fs/check-output-path.ts';
import { writeFileAtomic } from '../../../server/fs/write-file-atomic.ts';

let dir: string;
let src: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-outpath-'));
  src = path.join(dir, 'clip.mp4');
  writeFileSync(src, 'the only copy of the source video');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const code = (p: Promise<unknown>): Promise<string | undefined> => p.then(() => undefined, (e) => e.code);
const hasDevFull = statSync('/dev/full', { throwIfNoEntry: false })?.isCharacterDevice() ?? false;

describe('checkOutputPath', () => {
  it('refuses the source itself (E100)', async () => {
    expect(await code(checkOutputPath(src, [src]))).toBe('ANELO_E100_OUTPUT_IS_SOURCE');
  });

  it('refuses the source through a symlinked file (E100)', async () => {
    const link = path.join(dir, 'link.mp4');
    symlinkSync(src, link);
    expect(await code(checkOutputPath(link, [src]))).toBe('ANELO_E100_OUTPUT_IS_SOURCE');
  });

  it('refuses the source through a symlinked folder (E100)', async () => {
    const alias = path.join(dir, 'alias');
    symlinkSync(dir, alias);
    expect(await code(checkOutputPath(path.join(alias, 'clip.mp4'), [src]))).toBe('ANELO_E100_OUTPUT_IS_SOURCE');
  });

  it('refuses a hard link to the source (E100)', async () => {
    const hard = path.join(dir, 'hard.mp4');
    linkSync(src, hard);
    expect(await code(checkOutputPath(hard, [src]))).toBe('ANELO_E100_OUTPUT_IS_SOURCE');
  });

  it('refuses a relative spelling of the source (E100)', async () => {
    expect(await code(checkOutputPath(path.relative(process.cwd(), src), [src]))).toBe('ANELO_E100_OUTPUT_IS_SOURCE');
  });

  it('refuses a directory (E101)', async () => {
    mkdirSync(path.join(dir, 'out.mp4'));
    expect(await code(checkOutputPath(path.join(dir, 'out.mp4'), []))).toBe('ANELO_E101_OUTPUT_NOT_REGULAR');
  });

  it('refuses a FIFO (E101)', async () => {
    const fifo = path.join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    expect(await code(checkOutputPath(fifo, []))).toBe('ANELO_E101_OUTPUT_NOT_REGULAR');
  });

  it.skipIf(!hasDevFull)('refuses /dev/full (E101)', async () => {
    expect(await code(checkOutputPath('/dev/full', []))).toBe('ANELO_E101_OUTPUT_NOT_REGULAR');
  });

  it('accepts a new file and an existing regular file that is no source', async () => {
    expect(await code(checkOutputPath(path.join(dir, 'new.mp4'), [src]))).toBeUndefined();
    writeFileSync(path.join(dir, 'old.mp4'), 'previous render');
    expect(await code(checkOutputPath(path.join(dir, 'old.mp4'), [src]))).toBeUndefined();
    expect(readFileSync(src, 'utf8')).toBe('the only copy of the source video');
  });
});

describe('writeFileAtomic never replaces what is not a regular file', () => {
  it.skipIf(!hasDevFull)('/dev/full stays a device (E101), no temp file in /dev', async () => {
    const before = readdirSync('/dev').filter((n) => n.startsWith('.full'));
    expect(await code(writeFileAtomic('/dev/full', '{}'))).toBe('ANELO_E101_OUTPUT_NOT_REGULAR');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(readdirSync('/dev').filter((n) => n.startsWith('.full'))).toEqual(before);
  });

  it('a folder stays a folder with its content (E101)', async () => {
    const d = path.join(dir, 'report.json');
    mkdirSync(d);
    writeFileSync(path.join(d, 'keep'), 'k');
    expect(await code(writeFileAtomic(d, '{}'))).toBe('ANELO_E101_OUTPUT_NOT_REGULAR');
    expect(readdirSync(d)).toEqual(['keep']);
  });

  it('replaces a regular file whole and leaves no temp', async () => {
    const f = path.join(dir, 'r.json');
    writeFileSync(f, 'old');
    await writeFileAtomic(f, 'new');
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(readdirSync(dir).filter((n) => n.includes('anelo-'))).toEqual([]);
  });
});
