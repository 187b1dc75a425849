import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDir } from '../../../server/fs/ensure-dir.ts';

describe('ensureDir', () => {
  it('creates missing parents and accepts a directory that exists', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'anelo-dir-'));
    const deep = path.join(root, 'a', 'b', 'c');
    await ensureDir(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await ensureDir(deep);
  });

  it('fails at once, instead of spinning like recursive mkdir, where a directory cannot be made', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'anelo-dir-'));
    writeFileSync(path.join(root, 'file'), 'x');
    await expect(ensureDir(path.join(root, 'file', 'sub'))).rejects.toMatchObject({ code: 'EEXIST' });
    if (existsSync('/proc/self')) await expect(ensureDir('/proc/anelo-never/x')).rejects.toMatchObject({ code: 'ENOENT' });
  }, 5_000);
});
