/**
 * Chunks asked for before the chunk before them has finished (an encoder reading ahead, a preview's pieces) continue
 * the decoder that is already running instead of starting one that seeks and decodes again from a keyframe.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AneloError } from '../../../nodes/core/errors.ts';
import type { FramesChunk } from '../../../nodes/core/types.ts';
import { chunkDigest, unhashedBytes } from '../../../server/engine/chunk-codec.ts';
import { FrameReaderPool, seekPlan } from '../../../server/media/frame-reader.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

const clip = sharedPath('media/carphone-176x144.mp4');
const at = (startFrame: number, frameCount: number, signal?: AbortSignal) => ({ fps: 29.97, width: 176, height: 144, startFrame, frameCount, startTime: 0, signal });

async function hashesOf(frames: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const f of frames) out.push(createHash('sha1').update(f).digest('hex'));
  return out;
}

const digests = (pool: FrameReaderPool, start: number, count: number, signal?: AbortSignal): Promise<string[]> => hashesOf(pool.read(clip, at(start, count, signal)));

/** What the probe would say of the clip, held back until `answer()`: a slow stat. */
function heldProbe(): { settle: Promise<{ deinterlace: boolean; preRollS: number }>; answer: () => void } {
  let answer!: () => void;
  const settle = new Promise<{ deinterlace: boolean; preRollS: number }>((r) => (answer = () => r({ deinterlace: false, preRollS: 0 })));
  return { settle, answer };
}

let pools: FrameReaderPool[] = [];
const newPool = (): FrameReaderPool => {
  const p = new FrameReaderPool();
  pools.push(p);
  return p;
};
afterEach(() => {
  for (const p of pools) p.closeAll();
  pools = [];
});

describe.skipIf(!hasShared('media'))('FrameReaderPool', () => {
  it('reads chunks asked for all at once with one decoder, frames identical to one sequential read', async () => {
    const whole = await digests(newPool(), 0, 64);
    const pool = newPool();
    const parts = await Promise.all([0, 16, 32, 48].map((s) => digests(pool, s, 16)));
    expect(parts.flat()).toEqual(whole);
    expect(pool.decodersStarted).toBe(1);
  });

  it('claims its place at the first next(), before what only the probe knows has come: reads chain in the order they start', async () => {
    const whole = await digests(newPool(), 0, 48);
    const pool = newPool();
    // The first read's probe answer comes last (a slow stat): the later reads still continue its decoder.
    const slow = heldProbe();
    const fast = Promise.resolve({ deinterlace: false, preRollS: 0 });
    const reads = [hashesOf(pool.read(clip, at(0, 16), slow.settle)), hashesOf(pool.read(clip, at(16, 16), fast)), hashesOf(pool.read(clip, at(32, 16), fast))];
    await new Promise((r) => setTimeout(r, 50));
    slow.answer();
    expect((await Promise.all(reads)).flat()).toEqual(whole);
    expect(pool.decodersStarted).toBe(1);
  });

  it('a read whose probe answers after the read before it has ended still takes over its decoder, without waiting', async () => {
    const whole = await digests(newPool(), 0, 32);
    const pool = newPool();
    const slow = heldProbe();
    const first = digests(pool, 0, 16);
    const second = hashesOf(pool.read(clip, at(16, 16), slow.settle));
    // The first read ends (and hands its decoder on) while the second still waits for its probe.
    expect(await first).toEqual(whole.slice(0, 16));
    const t0 = performance.now();
    slow.answer();
    const out = await second;
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(out).toEqual(whole.slice(16));
    expect(pool.decodersStarted).toBe(1);
  });

  it('a read whose probe fails stops with that error and lets the reads after it seek for themselves', async () => {
    const pool = newPool();
    const failing = Promise.reject(new Error('probe failed: no such file'));
    const first = hashesOf(pool.read(clip, at(0, 16), failing));
    const second = digests(pool, 16, 4);
    await expect(first).rejects.toThrow('probe failed');
    expect(await second).toEqual((await digests(newPool(), 0, 20)).slice(16));
  });

  it('hands frames out in shared memory, so worker threads read them without a copy', async () => {
    for await (const f of newPool().read(clip, at(0, 1))) expect(f.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('hands frames out with their hashes made as they were copied: a chunk of them digests to its content', async () => {
    const frames: Uint8Array[] = [];
    for await (const f of newPool().read(clip, at(0, 20))) frames.push(f);
    const chunk: FramesChunk = { type: 'frames', start: 0, width: 176, height: 144, frames };
    expect(unhashedBytes(chunk)).toBe(0);
    // The same bytes in frames nobody hashed give the same digest.
    expect(chunkDigest(chunk)).toBe(chunkDigest({ ...chunk, frames: frames.map((f) => Uint8Array.from(f)) }));
  });

  it('a read that does not continue a running one seeks with a decoder of its own', async () => {
    const pool = newPool();
    const [a, b] = await Promise.all([digests(pool, 0, 8), digests(pool, 60, 8)]);
    expect(a).toEqual((await digests(newPool(), 0, 8)));
    expect(b).toEqual((await digests(newPool(), 0, 68)).slice(60));
    expect(pool.decodersStarted).toBe(2);
  });

  it('a read a little before or past where a finished one left its decoder continues it, further on it seeks', async () => {
    const whole = await digests(newPool(), 0, 120);
    const pool = newPool();
    expect(await digests(pool, 0, 16)).toEqual(whole.slice(0, 16));
    // 16 → 28: 12 frames on, within half a second (29.97 fps): the same decoder, the same frames as one sequential read.
    expect(await digests(pool, 28, 20)).toEqual(whole.slice(28, 48));
    expect(pool.decodersStarted).toBe(1);
    // A read that starts a little before where the decoder stands (the next window of a scrub) takes the frames it
    // kept and continues it.
    expect(await digests(pool, 44, 12)).toEqual(whole.slice(44, 56));
    expect(pool.decodersStarted).toBe(1);
    // 56 → 100: more than half a second on, and 4 is behind what the decoder kept: each seeks with a decoder of its own.
    expect(await digests(pool, 100, 8)).toEqual(whole.slice(100, 108));
    expect(await digests(pool, 4, 4)).toEqual(whole.slice(4, 8));
    expect(pool.decodersStarted).toBe(3);
  });

  it('a read cancelled while it drops frames to catch up stops with E030, and the pool still reads', async () => {
    const whole = await digests(newPool(), 0, 40);
    const pool = newPool();
    await digests(pool, 0, 8);
    const controller = new AbortController();
    const skipping = digests(pool, 20, 4, controller.signal).catch((e) => e);
    controller.abort();
    expect((await skipping).code).toBe('ANELO_E030_CANCELLED');
    expect(await digests(pool, 30, 4)).toEqual(whole.slice(30, 34));
  });

  it('a waiting read that is cancelled stops with E030 and the running read finishes its frames', async () => {
    const pool = newPool();
    const controller = new AbortController();
    const first = digests(pool, 0, 16);
    const second = digests(pool, 16, 16, controller.signal).catch((e) => e);
    controller.abort();
    expect((await second).code).toBe('ANELO_E030_CANCELLED');
    expect(await first).toHaveLength(16);
  });
});

describe.skipIf(!hasShared('media'))('a video that stops before the frames asked for', () => {
  const readAll = async (pool: FrameReaderPool, start: number, count: number, onShortEnd?: (endsAt: number, repeated: number) => void): Promise<Uint8Array[]> => {
    const out: Uint8Array[] = [];
    for await (const f of pool.read(clip, { ...at(start, count), onShortEnd })) out.push(f);
    return out;
  };

  it('fills a read it ends inside with its last frame and says where it stopped and how many frames repeat', async () => {
    const ends: [number, number][] = [];
    const frames = await readAll(newPool(), 116, 8, (e, n) => ends.push([e, n]));
    expect(frames).toHaveLength(8);
    expect(ends).toEqual([[120, 4]]);
    expect(frames.slice(4).every((f) => f === frames[3])).toBe(true);
    // A read the video covers says nothing.
    const none: number[] = [];
    await readAll(newPool(), 100, 8, (e) => none.push(e));
    expect(none).toEqual([]);
  });

  it('a read past the end fails with E012 naming the frame it stops at once a read has met it, else only that it stops before', async () => {
    const pool = newPool();
    // Frames 112..123: the video stops at 120, and the read meets that end.
    await readAll(pool, 112, 12);
    const known = await readAll(pool, 136, 4).catch((e) => e);
    expect(known.code).toBe('ANELO_E012_DECODE_FAILED');
    expect(known.details).toEqual({ videoEndsAt: 120 });
    expect(known.message).toBe(`${clip} has no frame 136: its video stops at frame 120, though the file's header says it goes on. The file is probably cut short (a download or copy that did not finish).`);
    const unknown = await readAll(newPool(), 136, 4).catch((e) => e);
    expect(unknown.code).toBe('ANELO_E012_DECODE_FAILED');
    expect(unknown.details).toEqual({ videoEndsAt: undefined });
    expect(unknown.message).toContain('has no frame 136: its video stops before that frame,');
  });

  it('does not cite where an earlier version of the file stopped', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-ends-'));
    try {
      const copy = path.join(dir, 'clip.mp4');
      copyFileSync(clip, copy);
      const pool = newPool();
      const read = async (start: number, count: number): Promise<void> => {
        for await (const _ of pool.read(copy, at(start, count))) void _;
      };
      await read(112, 12);
      expect(((await read(136, 4).catch((e) => e)) as AneloError).details).toEqual({ videoEndsAt: 120 });
      // Written again (an upload replacing it): what the pool knew of the old one no longer holds.
      utimesSync(copy, new Date(), new Date(Date.now() + 5_000));
      expect(((await read(136, 4).catch((e) => e)) as AneloError).details).toEqual({ videoEndsAt: undefined });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('seekPlan', () => {
  it('reads from the start without seeking, and seeks half a frame early in an indexed file', () => {
    expect(seekPlan({ startTime: 0, startFrame: 0, fps: 25 })).toEqual({ seekS: 0, preRoll: 0 });
    const p = seekPlan({ startTime: 0, startFrame: 50, fps: 25 });
    expect(p.preRoll).toBe(0);
    expect(p.seekS).toBeCloseTo(1.98, 9);
  });

  it('in a file without an index, starts up to the pre-roll earlier on the frame grid, and drops those frames', () => {
    expect(seekPlan({ startTime: 0.5, startFrame: 250, fps: 25, preRollS: 6 })).toEqual({ seekS: expect.closeTo(4.5, 9), preRoll: 150 });
    // Near the start: as far back as the file goes, still on the grid of the frame asked for.
    const near = seekPlan({ startTime: 0.5, startFrame: 30, fps: 25, preRollS: 6 });
    expect(near.preRoll).toBe(42);
    expect(near.seekS).toBeCloseTo(0.02, 9);
    expect(near.seekS + near.preRoll / 25).toBeCloseTo(0.5 + 30 / 25, 9);
  });
});
