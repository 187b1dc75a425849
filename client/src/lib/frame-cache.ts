/**
 * Recent preview frames kept in the page as blob URLs, so stepping back to a frame (or back to a param value)
 * shows it at once without asking the server. Least recently used first out, within a byte budget; a URL is
 * revoked only when its frame is evicted.
 */

export interface CachedFrame {
  url: string;
  bytes: number;
  ms: number | undefined;
  cached: boolean;
  /** Whether the image is full resolution (false: the low-res frame sent while scrubbing). */
  full: boolean;
  /** Depth: the range the colours span, and whether it is shared with the other image of a compare. */
  depthRange?: [number, number];
  sharedScale?: boolean;
}

export class FrameCache {
  private readonly entries = new Map<string, CachedFrame>();
  private total = 0;

  constructor(private readonly budgetBytes: number) {}

  get(key: string): CachedFrame | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Map order is insertion order: re-inserting marks the entry as most recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, frame: CachedFrame): void {
    const old = this.entries.get(key);
    if (old) {
      this.total -= old.bytes;
      this.entries.delete(key);
      if (old.url !== frame.url) URL.revokeObjectURL(old.url);
    }
    this.entries.set(key, frame);
    this.total += frame.bytes;
    for (const [k, v] of this.entries) {
      if (this.total <= this.budgetBytes || this.entries.size <= 1) break;
      this.entries.delete(k);
      this.total -= v.bytes;
      URL.revokeObjectURL(v.url);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** One cache for every preview in the page: 160 MB holds ~100 full 720p PNGs or thousands of low-res ones. */
export const frameCache = new FrameCache(160 * 1024 * 1024);

/** Cache key of one frame of one node under one upstream state, at full or scrubbing resolution. */
export function frameKey(input: string, nodeId: string, upstream: string, frame: number, full: boolean): string {
  return `${input}\u0000${nodeId}\u0000${frame}\u0000${full ? 'full' : 'low'}\u0000${upstream}`;
}
