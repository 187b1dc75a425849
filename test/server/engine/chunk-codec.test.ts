import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../../nodes/core/types.ts';
import { chunkDigest, chunkDigestSliced, concatChunks, decodeChunk, encodedDigest, encodeChunk, hashFrames, noteFrameHashes, sliceChunk, unhashedBytes } from '../../../server/engine/chunk-codec.ts';

const frames: Chunk = { type: 'frames', start: 3, width: 50, height: 20, frames: Array.from({ length: 7 }, (_, k) => Uint8Array.from({ length: 3000 }, (_, i) => (i * k) & 255)) };
const depth: Chunk = {
  type: 'depth',
  start: 0,
  width: 30,
  height: 10,
  frames: Array.from({ length: 5 }, (_, k) => Float32Array.from({ length: 300 }, (_, i) => Math.fround(i / 64 + k))),
  stats: Array.from({ length: 5 }, () => ({ min: 0, max: 1, p02: 0, p50: 0.5, p98: 1 })),
};
const cuts: Chunk = { type: 'cuts', start: 0, flags: Uint8Array.from([0, 1, 0]), scores: Float32Array.from([0.1, 0.9, 0.2]) };

describe('chunk digests', () => {
  it('one digest per content, whether hashed at once, a slice at a time, from the stored bytes or in parts', async () => {
    for (const c of [frames, depth, cuts]) {
      const whole = chunkDigest(c);
      expect(whole).toMatch(/^[0-9a-f]{64}$/);
      for (const slice of [1, 1000, 2 ** 30]) expect(await chunkDigestSliced(c, slice)).toBe(whole);
      // The disk tier checks a blob it reads back by its bytes alone.
      expect(encodedDigest(encodeChunk(c))).toBe(whole);
      expect(decodeChunk(encodeChunk(c))).toEqual(c);
      expect(chunkDigest(decodeChunk(encodeChunk(c)))).toBe(whole);
      if (c.type === 'cuts') continue;
      // A pool splits a chunk over its threads: the joined parts have the digest of the chunk made in one piece.
      const n = c.frames.length;
      expect(chunkDigest(concatChunks([sliceChunk(c, c.start, c.start + 2), sliceChunk(c, c.start + 2, c.start + n)]))).toBe(whole);
    }
  });

  it('differs when any byte, the frame order, the start or a depth stat differs', () => {
    const seen = new Set<string>();
    const changedByte = { ...frames, frames: frames.frames.map((f, i) => (i === 6 ? Uint8Array.from(f, (v, j) => (j === 2999 ? v ^ 1 : v)) : f)) };
    const swapped = { ...frames, frames: [frames.frames[1], frames.frames[0], ...frames.frames.slice(2)] };
    const depthStat = { ...depth, stats: depth.stats.map((s, i) => (i === 4 ? { ...s, p98: 0.99 } : s)) };
    for (const c of [frames, changedByte, swapped, { ...frames, start: 4 }, depth, depthStat, cuts, { ...cuts, flags: Uint8Array.from([1, 1, 0]) }]) seen.add(chunkDigest(c));
    expect(seen.size).toBe(8);
  });

  it('uses frame hashes made elsewhere (a pool thread) and hashes nothing again', () => {
    const copy = (): Chunk => decodeChunk(encodeChunk(frames));
    const made = copy();
    const hashes = hashFrames(made);
    expect(hashes.length).toBe(32 * 7);
    // The frames as another thread receives them: new objects, same bytes, hashes noted from the maker.
    const received = copy();
    expect(unhashedBytes(received)).toBe(7 * 3000);
    noteFrameHashes(received, hashes);
    expect(unhashedBytes(received)).toBe(0);
    expect(chunkDigest(received)).toBe(chunkDigest(frames));
  });

  it('a stored chunk whose bytes changed, were cut short or grew does not match its digest', () => {
    const bytes = encodeChunk(depth);
    const digest = chunkDigest(depth);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] ^= 1;
    expect(encodedDigest(flipped)).not.toBe(digest);
    expect(() => encodedDigest(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    expect(() => encodedDigest(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => encodedDigest(Buffer.from('not a chunk at all'))).toThrow(/not a chunk/);
  });

  it('gives the event loop back between slices of a big chunk', async () => {
    let ticks = 0;
    let running = true;
    const tick = (): void => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    // 7 frames of 3000 bytes no one has hashed, in slices of 3000 bytes: the loop turns between frames (a one-go
    // hash would finish before the first turn).
    await chunkDigestSliced(decodeChunk(encodeChunk(frames)), 3000);
    running = false;
    expect(ticks).toBeGreaterThanOrEqual(5);
  });
});
