/**
 * The two-tier cache the executor talks to: an action cache (key → output digests) and a content-addressed store
 * (digest → chunk) in memory, both mirrored on disk for nodes whose policy is 'disk'.
 */
import type { Chunk } from '../../nodes/core/types.ts';
import { chunkParts, decodeChunk, encodedDigest } from './chunk-codec.ts';
import { DiskTier, type ActionEntry, type DiskTierWarning } from './disk-tier.ts';
import { MemoryTier } from './memory-tier.ts';

export interface ChunkCacheOptions {
  /** Memory tier budget in bytes (default 128 MiB, or ANELO_CACHE_MEMORY_MB): what a run keeps hot besides its chunks in flight. */
  memoryBudgetBytes?: number;
  /** Disk tier directory; null disables the disk tier. */
  diskDir?: string | null;
  /** Disk tier budget in bytes (default 20 GiB, or ANELO_CACHE_DISK_MB); least recently used blobs go first. */
  diskBudgetBytes?: number;
  onWarning?: (w: DiskTierWarning) => void;
}

const MAX_ACTIONS_IN_MEMORY = 200_000;
/** Pruning walks the whole store; after a run is often enough. */
const PRUNE_INTERVAL_MS = 60_000;

export class ChunkCache {
  readonly memory: MemoryTier;
  readonly disk?: DiskTier;
  readonly diskBudgetBytes: number;
  private readonly actions = new Map<string, ActionEntry>();
  private lastPrune = 0;

  constructor(opts: ChunkCacheOptions = {}) {
    const envMb = Number(process.env.ANELO_CACHE_MEMORY_MB);
    this.memory = new MemoryTier(opts.memoryBudgetBytes ?? (envMb > 0 ? envMb * 2 ** 20 : 128 * 2 ** 20));
    const diskMb = Number(process.env.ANELO_CACHE_DISK_MB);
    this.diskBudgetBytes = opts.diskBudgetBytes ?? (diskMb > 0 ? diskMb * 2 ** 20 : 20 * 2 ** 30);
    if (opts.diskDir) this.disk = new DiskTier(opts.diskDir, opts.onWarning, encodedDigest);
  }

  /** Keeps the disk tier within its budget (at most once a minute unless forced). */
  async prune(force = false): Promise<void> {
    if (!this.disk || (!force && Date.now() - this.lastPrune < PRUNE_INTERVAL_MS)) return;
    this.lastPrune = Date.now();
    await this.disk.prune(this.diskBudgetBytes);
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

  async putChunk(digest: string, chunk: Chunk, costMs: number, persistent: boolean): Promise<void> {
    this.memory.put(digest, chunk, costMs);
    if (persistent && this.disk) await this.disk.putBlob(digest, chunkParts(chunk));
  }

  private rememberAction(key: string, entry: ActionEntry): void {
    if (this.actions.size >= MAX_ACTIONS_IN_MEMORY) this.actions.delete(this.actions.keys().next().value!);
    this.actions.set(key, entry);
  }
}
