import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../../nodes/core/types.ts';
import { chunkDigest, chunkDigestSliced, chunkParts, decodeChunk, encodeChunk } from '../../../server/engine/chunk-codec.ts';

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
  it('hashed a slice at a time, a chunk has the digest of its encoded bytes, whatever the slice size', async () => {
    for (const c of [frames, depth, cuts]) {
      const whole = chunkDigest(encodeChunk(c));
      expect(chunkDigest(chunkParts(c))).toBe(whole);
      for (const slice of [1, 1000, 2 ** 30]) expect(await chunkDigestSliced(c, slice)).toBe(whole);
      expect(decodeChunk(encodeChunk(c))).toEqual(c);
    }
  });

  it('gives the event loop back between slices of a big chunk', async () => {
    let ticks = 0;
    let running = true;
    const tick = (): void => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    // 7 frames of 3000 bytes in slices of 3000 bytes: the loop turns between frames (a one-go hash would finish
    // before the first turn).
    await chunkDigestSliced(frames, 3000);
    running = false;
    expect(ticks).toBeGreaterThanOrEqual(5);
  });
});
