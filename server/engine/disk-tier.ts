/**
 * The disk tier: content-addressed blobs (file name = digest of the content) and action entries (cache key →
 * output digests). Writes go to a temp file and are renamed into place; reads re-hash the bytes, so a truncated
 * or corrupt entry is detected and deleted — never returned. Either trouble (a corrupt entry read, a write that
 * fails) throws after it is reported to `onWarning` (the process's log, once while writes keep failing), so the run
 * that met it warns too (RunSession's cacheRead and cacheWrite: a miss, or a chunk left uncached, and one warning).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sha256 } from './hash.ts';
import { ensureDir } from '../fs/ensure-dir.ts';

export interface ActionEntry {
  /** Output port → digest of that port's chunk. */
  digests: Record<string, string>;
  /** Time the computation took, used to rank memory evictions. */
  ms: number;
  nodeType: string;
}

export type DiskTierWarning = { kind: 'corrupt' | 'write-failed'; file: string; message: string };

/** What pruning lets go first: a blob's first `bytes` bytes → its rank (lower first). */
export interface EvictionRank {
  bytes: number;
  rank: (head: Uint8Array) => number;
}

export class DiskTier {
  /** Set after a failed write, so a full or unwritable cache warns once rather than once per chunk. */
  private failing = false;

  /**
   * @param digestOf what a blob's name is the digest of, for checking a blob read back (default: sha256 of its bytes;
   *   chunk blobs are named by their chunk digest, see chunk-codec.ts). A blob it throws on is corrupt.
   * @param eviction which blobs pruning lets go first, read from their first bytes (default: by last use alone).
   */
  constructor(
    readonly dir: string,
    private readonly onWarning: (w: DiskTierWarning) => void = () => {},
    private readonly digestOf: (bytes: Uint8Array) => string = (bytes) => sha256(bytes),
    private readonly eviction?: EvictionRank,
  ) {}

  private blobPath(digest: string): string {
    return path.join(this.dir, 'cas', digest.slice(0, 2), digest);
  }

  private actionPath(key: string): string {
    return path.join(this.dir, 'actions', key.slice(0, 2), `${key}.json`);
  }

  async getBlob(digest: string): Promise<Buffer | undefined> {
    const file = this.blobPath(digest);
    const bytes = await readIfExists(file);
    if (!bytes) return undefined;
    let matches = false;
    try {
      matches = this.digestOf(bytes) === digest;
    } catch {
      // Malformed: corrupt like a mismatch.
    }
    if (!matches) await this.drop(file, 'content does not match its digest');
    // The modification time doubles as "last used", which is what pruning evicts by.
    const now = new Date();
    fs.utimes(file, now, now).catch(() => {});
    return bytes;
  }

  /**
   * Deletes blobs until the store holds at most `maxBytes`, the lowest eviction rank first and within a rank the least
   * recently used, and temp files a crash left behind. Action entries stay: one whose blob is gone just makes that
   * chunk compute again.
   */
  async prune(maxBytes: number): Promise<{ removed: number; freedBytes: number; totalBytes: number }> {
    const root = path.join(this.dir, 'cas');
    const blobs: { file: string; size: number; used: number; rank: number }[] = [];
    let total = 0;
    let removed = 0;
    let freed = 0;
    const staleTemp = Date.now() - 3600_000;
    for (const sub of await fs.readdir(root).catch(() => [] as string[])) {
      for (const name of await fs.readdir(path.join(root, sub)).catch(() => [] as string[])) {
        const file = path.join(root, sub, name);
        const st = await fs.stat(file).catch(() => undefined);
        if (!st) continue;
        if (name.endsWith('.tmp')) {
          if (st.mtimeMs < staleTemp) await fs.rm(file, { force: true });
          continue;
        }
        blobs.push({ file, size: st.size, used: st.mtimeMs, rank: 0 });
        total += st.size;
      }
    }
    if (total <= maxBytes) return { removed: 0, freedBytes: 0, totalBytes: total };
    if (this.eviction) for (const b of blobs) b.rank = this.eviction.rank(await readHead(b.file, this.eviction.bytes));
    blobs.sort((a, b) => a.rank - b.rank || a.used - b.used);
    for (const b of blobs) {
      if (total <= maxBytes) break;
      await fs.rm(b.file, { force: true });
      total -= b.size;
      freed += b.size;
      removed++;
    }
    return { removed, freedBytes: freed, totalBytes: total };
  }

  /**
   * Stores a blob given whole or as consecutive pieces (written in order, never concatenated in memory). True when it
   * wrote the blob; false when the blob was there already. Throws when the write fails (see writeAtomic).
   */
  async putBlob(digest: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<boolean> {
    const file = this.blobPath(digest);
    if (await exists(file)) return false;
    return this.writeAtomic(file, bytes);
  }

  /** Whether a blob is stored (a stat, not a read or a check of its bytes). */
  hasBlob(digest: string): Promise<boolean> {
    return exists(this.blobPath(digest));
  }

  async getAction(key: string): Promise<ActionEntry | undefined> {
    const file = this.actionPath(key);
    const bytes = await readIfExists(file);
    if (!bytes) return undefined;
    try {
      const parsed = JSON.parse(bytes.toString('utf8')) as { entry: ActionEntry; check: string };
      if (sha256(JSON.stringify(parsed.entry)) !== parsed.check) throw new Error('checksum mismatch');
      return parsed.entry;
    } catch (e) {
      return this.drop(file, (e as Error).message);
    }
  }

  async putAction(key: string, entry: ActionEntry): Promise<void> {
    const body = JSON.stringify({ entry, check: sha256(JSON.stringify(entry)) });
    await this.writeAtomic(this.actionPath(key), Buffer.from(body));
  }

  /** Deletes a corrupt entry, reports it, and throws: the reader computes what it held instead. */
  private async drop(file: string, why: string): Promise<never> {
    const message = `dropped corrupt cache entry (${why})`;
    this.onWarning({ kind: 'corrupt', file, message });
    await fs.rm(file, { force: true });
    throw new Error(`${message}: ${file}`);
  }

  /**
   * Temp file + rename. A failed write (full disk) leaves nothing behind, is reported (once until a write succeeds
   * again) and throws: the caller goes on uncached, as caching is never worth failing a run.
   */
  private async writeAtomic(file: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<true> {
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await ensureDir(path.dirname(file));
      await fs.writeFile(tmp, bytes instanceof Uint8Array ? bytes : (bytes as Iterable<Uint8Array>));
      await fs.rename(tmp, file);
      this.failing = false;
      return true;
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => {});
      if (!this.failing) this.onWarning({ kind: 'write-failed', file, message: `cache writes fail, the run goes on without them (${(e as Error).message})` });
      this.failing = true;
      const message = (e as Error).message;
      throw new Error(message.includes(file) ? message : `${message} (writing ${file})`);
    }
  }
}

/** fs.readFile stops at 2 GiB; a chunk of big frames can be larger, so read in pieces into one buffer. */
const READ_PIECE = 2 ** 30;

/** A file's first `n` bytes (fewer when it is shorter or cannot be read). */
async function readHead(file: string, n: number): Promise<Uint8Array> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return new Uint8Array(0);
  try {
    const head = new Uint8Array(n);
    const { bytesRead } = await handle.read(head, 0, n, 0);
    return head.subarray(0, bytesRead);
  } catch {
    return new Uint8Array(0);
  } finally {
    await handle.close().catch(() => {});
  }
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const { size } = await fh.stat();
    const out = Buffer.allocUnsafe(size);
    for (let off = 0; off < size; ) {
      const { bytesRead } = await fh.read(out, off, Math.min(READ_PIECE, size - off), off);
      if (bytesRead === 0) return out.subarray(0, off);
      off += bytesRead;
    }
    return out;
  } finally {
    await fh.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
