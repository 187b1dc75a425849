/**
 * sha256 of model files, computed once per file version. A file version is (absolute path, size, mtime): the
 * cache stores the hash actually computed for that version, never "matched the manifest", so an entry can't
 * vouch for a different expected hash, and a file replaced in place (new size or mtime) is hashed again.
 * Entries persist in a small JSON file (written atomically) so a 100 MB model is hashed once, not per run.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir } from '../fs/ensure-dir.ts';

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** Streams a file through sha256. */
export async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export class FileHashCache {
  private entries: Record<string, Entry> | undefined;
  private readonly pending = new Map<string, Promise<string>>();

  /** `file`: where entries persist; null keeps them in memory only. */
  constructor(private readonly file: string | null) {}

  /** The file's sha256, from the cache when its size and mtime are unchanged. */
  async sha256(file: string): Promise<string> {
    const abs = path.resolve(file);
    const st = await stat(abs);
    const entries = await this.load();
    const hit = entries[abs];
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha256;
    const key = `${abs}|${st.size}|${st.mtimeMs}`;
    let job = this.pending.get(key);
    if (!job) {
      job = this.compute(abs, st.size, st.mtimeMs).finally(() => this.pending.delete(key));
      this.pending.set(key, job);
    }
    return job;
  }

  /** Records a hash already known for this exact file version (e.g. just verified during a download). */
  async remember(file: string, sha256: string): Promise<void> {
    const abs = path.resolve(file);
    const st = await stat(abs);
    (await this.load())[abs] = { size: st.size, mtimeMs: st.mtimeMs, sha256 };
    await this.save();
  }

  private async compute(abs: string, size: number, mtimeMs: number): Promise<string> {
    const sha256 = await hashFile(abs);
    (await this.load())[abs] = { size, mtimeMs, sha256 };
    await this.save();
    return sha256;
  }

  private async load(): Promise<Record<string, Entry>> {
    if (this.entries) return this.entries;
    let loaded: Record<string, Entry> = {};
    if (this.file) {
      try {
        const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) loaded = parsed as Record<string, Entry>;
      } catch {
        // Missing or unreadable cache: start empty; the worst case is hashing again.
      }
    }
    this.entries ??= loaded;
    return this.entries;
  }

  private async save(): Promise<void> {
    if (!this.file || !this.entries) return;
    try {
      await ensureDir(path.dirname(this.file));
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, JSON.stringify(this.entries, null, 1));
      await rename(tmp, this.file);
    } catch {
      // A read-only cache folder only costs a re-hash next time; never fail a run over it.
    }
  }
}
