/**
 * anelo's own temp files: named so a later process can tell whose they are (`.<name>.anelo-<pid>-<hex>.<ext>`),
 * tracked while alive so a signal handler can delete them synchronously before a forced exit, and swept at the
 * next start when the process that made them is gone (kill -9, power loss).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';

const live = new Set<string>();

/** A hidden temp path beside `file`, carrying this process's id. */
export function tempPathFor(file: string, ext = '.tmp'): string {
  const abs = path.resolve(file);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.anelo-${process.pid}-${randomBytes(5).toString('hex')}${ext}`);
}

/** Marks a temp file as in use; the returned function forgets it (after rename or delete). */
export function trackTemp(file: string): () => void {
  live.add(file);
  return () => live.delete(file);
}

/** Deletes every tracked temp file now (synchronous: safe in a signal handler right before exiting). */
export function removeLiveTempsSync(): void {
  for (const f of live) {
    try {
      rmSync(f, { force: true });
    } catch {
      /* nothing more to do on the way out */
    }
  }
  live.clear();
}

const OURS = /^\..*\.anelo-(\d+)-[0-9a-f]{10}(\.[A-Za-z0-9]+)?$/;
/** Names older versions used: encoder partials, atomic-write temps, upload temps. Their writer cannot be known. */
const LEGACY = [/^\..+\.partial-[0-9a-f]{8}\.[A-Za-z0-9]+$/, /^\..+\.[0-9a-f]{12}\.tmp$/, /^\.upload-[0-9a-f]{12}\.tmp$/];

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes anelo temp files in `dir` whose process is gone (legacy names: older than `legacyAgeMs`). Never
 * touches other files; never throws. Returns the names deleted.
 */
export async function sweepTemps(dir: string, legacyAgeMs = 60 * 60 * 1000): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith('.')) continue;
    const m = OURS.exec(name);
    let stale = false;
    if (m) stale = !alive(Number(m[1]));
    else if (LEGACY.some((re) => re.test(name))) {
      const st = await fs.lstat(path.join(dir, name)).catch(() => undefined);
      stale = Boolean(st?.isFile() && Date.now() - st.mtimeMs > legacyAgeMs);
    }
    if (!stale) continue;
    const file = path.join(dir, name);
    const st = await fs.lstat(file).catch(() => undefined);
    if (!st?.isFile()) continue;
    await fs.rm(file, { force: true }).then(() => removed.push(name), () => {});
  }
  return removed;
}
