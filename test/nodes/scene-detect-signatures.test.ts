import { describe, expect, it, vi } from 'vitest';
import type { CutsChunk, FramesChunk } from '../../nodes/core/types.ts';
import { sceneDetectNode } from '../../nodes/scene-detect.ts';
import { frameSignature } from '../../nodes/lib/scene-cuts.ts';
import { runNode } from './fake-run-context.ts';

// Counts the signatures the node computes (the module's own function, wrapped).
vi.mock('../../nodes/lib/scene-cuts.ts', async (original) => {
  const m = await original<typeof import('../../nodes/lib/scene-cuts.ts')>();
  return { ...m, frameSignature: vi.fn(m.frameSignature) };
});

const W = 48;
const H = 32;
/** Frames with a cut at 40: a moving ramp, then another pattern. */
function frames(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, t) => {
    const f = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) {
      const x = i % W;
      const v = t < 40 ? (x * 2 + t) & 63 : 180 + ((x + t + (i >> 6)) & 63);
      f[3 * i] = v;
      f[3 * i + 1] = (v * 7) & 255;
      f[3 * i + 2] = 255 - v;
    }
    return f;
  });
}

describe('scene-detect: each frame’s signature once per thread', () => {
  it('pieces whose windows overlap over the same frames compute each frame’s signature once, with the same cuts', async () => {
    const stream: FramesChunk = { type: 'frames', start: 0, width: W, height: H, frames: frames(80) };
    const count = vi.mocked(frameSignature);
    count.mockClear();
    const pieces: CutsChunk[] = [];
    for (let a = 0; a < 80; a += 16) pieces.push((await runNode(sceneDetectNode, {}, { frames: stream }, a, a + 16)).result.cuts as CutsChunk);
    // Five 16-frame pieces read 29–41 frames each: 180 signatures, computed piece by piece, of 80 frames.
    expect(count).toHaveBeenCalledTimes(80);

    count.mockClear();
    const copy: FramesChunk = { ...stream, frames: stream.frames.map((f) => f.slice()) };
    const whole = (await runNode(sceneDetectNode, {}, { frames: copy }, 0, 80)).result.cuts as CutsChunk;
    expect(count).toHaveBeenCalledTimes(80);
    expect(pieces.flatMap((p) => [...p.flags])).toEqual([...whole.flags]);
    expect(pieces.flatMap((p) => [...p.scores])).toEqual([...whole.scores]);
    expect(whole.flags[40]).toBe(1);
  });
});
