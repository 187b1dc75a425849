/**
 * The disk tier's budget: what it lets go first, and that a run writing more than the budget stays within it as it
 * goes rather than only once it has ended. The memory tier of a one-run process: nothing kept after use.
 */
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../../nodes/core/types.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { chunkBytes, chunkDigest } from '../../../server/engine/chunk-codec.ts';

const frames = (start: number, fill: number): Chunk => ({
  type: 'frames',
  start,
  width: 64,
  height: 32,
  frames: Array.from({ length: 4 }, () => new Uint8Array(64 * 32 * 3).fill(fill)),
});

const depth = (start: number, fill: number): Chunk => ({
  type: 'depth',
  start,
  width: 16,
  height: 8,
  frames: Array.from({ length: 4 }, () => new Float32Array(16 * 8).fill(fill)),
  stats: Array.from({ length: 4 }, () => ({ min: fill, max: fill, p02: fill, p50: fill, p98: fill })),
});

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-evict-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

/** Bytes in the store now. A prune may be running beside this: what it removed between the listing and the stat is not stored. */
async function storedBytes(dir: string): Promise<number> {
  const gone = (err: NodeJS.ErrnoException): undefined => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  };
  let total = 0;
  for (const sub of (await fs.readdir(path.join(dir, 'cas')).catch(gone)) ?? []) {
    for (const f of (await fs.readdir(path.join(dir, 'cas', sub)).catch(gone)) ?? []) {
      total += (await fs.stat(path.join(dir, 'cas', sub, f)).catch(gone))?.size ?? 0;
    }
  }
  return total;
}

async function put(cache: ChunkCache, chunk: Chunk): Promise<string> {
  const digest = chunkDigest(chunk);
  await cache.putChunk(digest, chunk, 10, true);
  return digest;
}

/** A fresh cache over the same folder (nothing in memory): reads come from disk or not at all. */
const fromDisk = async (dir: string, digest: string): Promise<boolean> => (await new ChunkCache({ diskDir: dir }).getChunk(digest, true, 0)) !== undefined;

describe('disk tier budget', () => {
  it('lets decoded frames go before depth, even depth that is older', async () => {
    const dir = tempDir();
    const writer = new ChunkCache({ diskDir: dir });
    const oldDepth = await put(writer, depth(0, 0.25));
    const d = depth(0, 0.25);
    await fs.utimes(path.join(dir, 'cas', oldDepth.slice(0, 2), oldDepth), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    const newFrames = await put(writer, frames(0, 7));
    const newDepth = await put(writer, depth(4, 0.5));
    // Room for both depth chunks and not for the frames.
    const budget = 2 * chunkBytes(d) + 4096;
    const pruned = await new ChunkCache({ diskDir: dir, diskBudgetBytes: budget }).prune(true);
    expect(pruned).toBeUndefined();
    expect(await fromDisk(dir, oldDepth)).toBe(true);
    expect(await fromDisk(dir, newDepth)).toBe(true);
    expect(await fromDisk(dir, newFrames)).toBe(false);
    expect(await storedBytes(dir)).toBeLessThanOrEqual(budget);
  });

  it('within a rank, the least recently used goes first', async () => {
    const dir = tempDir();
    const writer = new ChunkCache({ diskDir: dir });
    const older = await put(writer, frames(0, 1));
    const hour = new Date(Date.now() - 3600_000);
    await fs.utimes(path.join(dir, 'cas', older.slice(0, 2), older), hour, hour);
    const newer = await put(writer, frames(4, 2));
    const one = chunkBytes(frames(0, 1)) + 4096;
    await new ChunkCache({ diskDir: dir, diskBudgetBytes: one }).prune(true);
    expect(await fromDisk(dir, older)).toBe(false);
    expect(await fromDisk(dir, newer)).toBe(true);
  });

  it('a run writing ten times its budget keeps the store within it as it goes, not only when it ends', async () => {
    const dir = tempDir();
    const one = chunkBytes(frames(0, 0));
    const budget = 4 * one;
    const cache = new ChunkCache({ diskDir: dir, diskBudgetBytes: budget });
    let peak = 0;
    for (let i = 0; i < 40; i++) {
      await put(cache, frames(i * 4, i));
      // The prune a write started runs behind the writes; each is given a moment, as a run's work between writes does.
      await new Promise((r) => setTimeout(r, 5));
      peak = Math.max(peak, await storedBytes(dir));
    }
    await cache.prune();
    // Over the budget by at most the quarter written before a prune starts, and what was written while it ran.
    expect(peak).toBeLessThanOrEqual(budget + 3 * one);
    expect(await storedBytes(dir)).toBeLessThanOrEqual(budget);
  });
});

describe('memory tier of a one-run process (anelo run)', () => {
  const envBefore = process.env.ANELO_CACHE_MEMORY_MB;
  afterEach(() => {
    if (envBefore === undefined) delete process.env.ANELO_CACHE_MEMORY_MB;
    else process.env.ANELO_CACHE_MEMORY_MB = envBefore;
  });

  it('keeps nothing after use, while a long-lived process keeps what fits its budget', async () => {
    delete process.env.ANELO_CACHE_MEMORY_MB;
    const c = frames(0, 3);
    const digest = chunkDigest(c);
    const once = new ChunkCache({ diskDir: null, oneRun: true });
    await once.putChunk(digest, c, 10, false);
    expect(once.memory.usedBytes).toBe(0);
    expect(await once.getChunk(digest, false, 10)).toBeUndefined();
    const server = new ChunkCache({ diskDir: null });
    await server.putChunk(digest, c, 10, false);
    expect(await server.getChunk(digest, false, 10)).toBe(c);
  });

  it('still reads its disk tier, and keeps a budget ANELO_CACHE_MEMORY_MB sets', async () => {
    const dir = tempDir();
    const digest = await put(new ChunkCache({ diskDir: dir }), depth(0, 0.5));
    delete process.env.ANELO_CACHE_MEMORY_MB;
    const once = new ChunkCache({ diskDir: dir, oneRun: true });
    expect(await once.getChunk(digest, true, 10)).toMatchObject({ type: 'depth', start: 0 });
    expect(once.memory.usedBytes).toBe(0);
    process.env.ANELO_CACHE_MEMORY_MB = '1';
    const told = new ChunkCache({ diskDir: dir, oneRun: true });
    expect(told.memory.budgetBytes).toBe(2 ** 20);
    await told.getChunk(digest, true, 10);
    expect(told.memory.usedBytes).toBeGreaterThan(0);
  });
});
