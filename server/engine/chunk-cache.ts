/**
 * The two-tier cache the executor talks to: an action cache (key → output digests) and a content-addressed store
 * (digest → chunk) in memory, both mirrored on disk for nodes whose policy is 'disk'.
 */
import type { Chunk } from '../../nodes/core/types.ts';
import { CHUNK_HEAD_BYTES, chunkBytes, chunkParts, decodeChunk, encodedDigest, evictionRank } from './chunk-codec.ts';
import { DiskTier, type ActionEntry, type DiskTierWarning } from './disk-tier.ts';
import { MemoryTier } from './memory-tier.ts';

export interface ChunkCacheOptions {
  /**
   * Memory tier budget in bytes (default ANELO_CACHE_MEMORY_MB, else 128 MiB, or none for `oneRun`): what the process
   * keeps hot besides the chunks its runs are still using.
   */
  memoryBudgetBytes?: number;
  /**
   * The process makes one run and exits (`anelo run`). Its run pins every chunk until the last of its readers has
   * it, so a chunk kept after that could only serve a later run, preview or retune, which such a process never
   * makes: unless ANELO_CACHE_MEMORY_MB sets a budget, the memory tier keeps nothing. What it kept was new memory
   * at the run's peak, on a VM the costliest kind: a 640x272 render of bikes-cuts peaked 80 MB lower and a 48-frame
   * 1080p one 140–320 MB lower, with less system time (see docs/performance-history.md).
   */
  oneRun?: boolean;
  /** Disk tier directory; null disables the disk tier. */
  diskDir?: string | null;
  /**
   * Disk tier budget in bytes (default 20 GiB, or ANELO_CACHE_DISK_MB): decoded frames go first, then the least
   * recently used. Kept during long runs too: each time a quarter of it has been written, the tier is pruned.
   */
  diskBudgetBytes?: number;
  onWarning?: (w: DiskTierWarning) => void;
}

const MAX_ACTIONS_IN_MEMORY = 200_000;
/** Pruning walks the whole store; after a run is often enough, unless a run writes a share of the budget (below). */
const PRUNE_INTERVAL_MS = 60_000;
/**
 * A run prunes each time it has written this share of the disk budget: the store stays within a quarter of its
 * budget while a render writes on (a 2-hour 1080p render's decoded frames alone are about 1 TB).
 */
const PRUNE_EVERY_SHARE = 1 / 4;

export class ChunkCache {
  readonly memory: MemoryTier;
  readonly disk?: DiskTier;
  readonly diskBudgetBytes: number;
  private readonly actions = new Map<string, ActionEntry>();
  private lastPrune = 0;
  /** Bytes written to the disk tier since the last prune started. */
  private writtenSincePrune = 0;
  /** The prune in progress, if any: one at a time. */
  private pruning?: Promise<void>;

  constructor(opts: ChunkCacheOptions = {}) {
    const envMb = Number(process.env.ANELO_CACHE_MEMORY_MB);
    this.memory = new MemoryTier(opts.memoryBudgetBytes ?? (envMb > 0 ? envMb * 2 ** 20 : opts.oneRun ? 0 : 128 * 2 ** 20));
    const diskMb = Number(process.env.ANELO_CACHE_DISK_MB);
    this.diskBudgetBytes = opts.diskBudgetBytes ?? (diskMb > 0 ? diskMb * 2 ** 20 : 20 * 2 ** 30);
    if (opts.diskDir) this.disk = new DiskTier(opts.diskDir, opts.onWarning, encodedDigest, { bytes: CHUNK_HEAD_BYTES, rank: evictionRank });
  }

  /**
   * Keeps the disk tier within its budget: at most once a minute unless forced or something was written since the
   * last prune began. One at a time: a call while one runs waits for it, then prunes what was written meanwhile.
   */
  async prune(force = false): Promise<void> {
    if (!this.disk) return;
    while (this.pruning) await this.pruning;
    if (!force && this.writtenSincePrune === 0 && Date.now() - this.lastPrune < PRUNE_INTERVAL_MS) return;
    const disk = this.disk;
    this.lastPrune = Date.now();
    this.writtenSincePrune = 0;
    this.pruning = disk
      .prune(this.diskBudgetBytes)
      .then(() => undefined)
      .finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  async getAction(key: string, persistent: boolean): Promise<ActionEntry | undefined> {
    const hit = this.actions.get(key);
    if (hit) return hit;
    if (!persistent || !this.disk) return undefined;
    const entry = await this.disk.getAction(key);
    if (entry) this.rememberAction(key, entry);
    return entry;
  }

  /** Remembers the entry now; its disk copy (persistent) is written once `after` (the blobs it names) has settled. */
  async putAction(key: string, entry: ActionEntry, persistent: boolean, after?: Promise<unknown>): Promise<void> {
    this.rememberAction(key, entry);
    if (!persistent || !this.disk) return;
    await after;
    await this.disk.putAction(key, entry);
  }

  /** The chunk with this digest from memory, else from disk (then kept in memory), else undefined. */
  async getChunk(digest: string, persistent: boolean, costMs: number): Promise<Chunk | undefined> {
    const m = this.memory.get(digest);
    if (m) return m;
    if (!persistent || !this.disk) return undefined;
    const bytes = await this.disk.getBlob(digest);
    if (!bytes) return undefined;
    let chunk: Chunk;
    try {
      chunk = decodeChunk(bytes);
    } catch {
      return undefined;
    }
    this.memory.put(digest, chunk, costMs);
    return chunk;
  }

  /**
   * Whether the chunk is in memory or (persistent) on disk, without reading it: an action entry outlives its chunks
   * (the memory tier evicts them, the disk budget prunes them), so a hit on the action alone says nothing of the bytes.
   */
  async hasChunk(digest: string, persistent: boolean): Promise<boolean> {
    if (this.memory.has(digest)) return true;
    return persistent && this.disk !== undefined && (await this.disk.hasBlob(digest));
  }

  async putChunk(digest: string, chunk: Chunk, costMs: number, persistent: boolean): Promise<void> {
    this.memory.put(digest, chunk, costMs);
    if (!persistent || !this.disk) return;
    if (!(await this.disk.putBlob(digest, chunkParts(chunk)))) return;
    this.writtenSincePrune += chunkBytes(chunk);
    // In the background: a pruning failure is only a store over its budget until the next one.
    if (!this.pruning && this.writtenSincePrune >= this.diskBudgetBytes * PRUNE_EVERY_SHARE) this.prune(true).catch(() => {});
  }

  private rememberAction(key: string, entry: ActionEntry): void {
    if (this.actions.size >= MAX_ACTIONS_IN_MEMORY) this.actions.delete(this.actions.keys().next().value!);
    this.actions.set(key, entry);
  }
}
