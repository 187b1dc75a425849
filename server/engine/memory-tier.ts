/**
 * The memory tier: decoded chunks under a byte budget. When over budget it evicts what is cheapest to recompute
 * per byte, older entries first, so depth (slow to compute, small) outlives decoded frames (fast, large).
 */
import type { Chunk } from '../../nodes/core/types.ts';
import { chunkBytes } from './chunk-codec.ts';

interface Entry {
  chunk: Chunk;
  bytes: number;
  costMs: number;
  lastUsed: number;
}

export class MemoryTier {
  private readonly entries = new Map<string, Entry>();
  private used = 0;

  constructor(readonly budgetBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  get(digest: string): Chunk | undefined {
    const e = this.entries.get(digest);
    if (!e) return undefined;
    e.lastUsed = Date.now();
    return e.chunk;
  }

  /** Whether the chunk is here, without counting it as used. */
  has(digest: string): boolean {
    return this.entries.has(digest);
  }

  /** Whether `put` would keep a chunk of this many bytes (for a while): not one larger than the whole budget. */
  wouldKeep(bytes: number): boolean {
    return bytes <= this.budgetBytes;
  }

  put(digest: string, chunk: Chunk, costMs: number): void {
    const bytes = chunkBytes(chunk);
    if (bytes > this.budgetBytes) return;
    const old = this.entries.get(digest);
    if (old) this.used -= old.bytes;
    this.entries.set(digest, { chunk, bytes, costMs: Math.max(costMs, 0.01), lastUsed: Date.now() });
    this.used += bytes;
    this.evict();
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  private evict(): void {
    while (this.used > this.budgetBytes && this.entries.size > 0) {
      const now = Date.now();
      let worst: string | undefined;
      let worstScore = Infinity;
      for (const [digest, e] of this.entries) {
        // Recompute cost per byte, discounted by idle time: cheap-per-byte and old goes first.
        const score = e.costMs / e.bytes / (1 + (now - e.lastUsed) / 1000);
        if (score < worstScore) {
          worstScore = score;
          worst = digest;
        }
      }
      const e = this.entries.get(worst!)!;
      this.entries.delete(worst!);
      this.used -= e.bytes;
    }
  }
}
