/**
 * Creates a directory and its missing parents one level at a time. Node's `mkdir({ recursive: true })` retries
 * forever, at full CPU, under pseudo filesystems such as /proc; a user-given output or cache path must fail instead.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !(await isDirectory(d)); d = path.dirname(d)) {
    missing.push(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      await fs.mkdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !(await isDirectory(d))) throw e;
    }
  }
}
