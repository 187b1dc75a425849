import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { grainLevel, MOTION_PLANES, measureMotion, motionPlanes, NO_MATCH } from '../../../nodes/lib/motion-planes.ts';

describe('motion planes', () => {
  it('are the bytes optical-flow version 3 has always measured (new bytes need a new version: caches are keyed by it)', () => {
    // Odd sizes (odd pyramid levels and edges), a textured frame and the same texture moved by a sub-pixel amount
    // with noise on top, so the flow, its forward–backward check, the colour mismatch along it and the colour
    // change all have work; also a frame against itself and against noise.
    const W = 61;
    const H = 37;
    let seed = 3;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const texture = (x: number, y: number, c: number): number => 128 + 60 * Math.sin(x * 0.41 + c) * Math.cos(y * 0.33 - c) + 40 * Math.sin((x + 2 * y) * 0.13);
    const frame = (dx: number, dy: number, noise: number): Uint8Array =>
      new Uint8Array(W * H * 3).map((_, i) => {
        const p = Math.floor(i / 3);
        return Math.max(0, Math.min(255, Math.round(texture((p % W) - dx, Math.floor(p / W) - dy, i % 3) + (rnd() - 0.5) * noise)));
      });
    const a = frame(0, 0, 6);
    const b = frame(1.6, -0.7, 6);
    const noise = new Uint8Array(W * H * 3).map(() => Math.floor(rnd() * 256));
    const hash = createHash('sha256');
    for (const [prev, cur] of [[a, b], [b, a], [a, a], [a, noise]]) {
      for (const o of [{ iterations: 2, radius: 3, finestLevel: 1 }, { iterations: 3, radius: 2, finestLevel: 0 }]) {
        const out = measureMotion(prev, cur, W, H, o, new Float32Array(MOTION_PLANES * W * H), 2);
        hash.update(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      }
    }
    expect(hash.digest('hex')).toBe('06ddd1dcb080d6d44ed744ca96d19f9b77616805496ff67049ee5d9444731309');
  });

  it('read the grain of a pair, not its motion: a moving texture reads as clean, the same texture with grain as grainy', () => {
    const W = 96;
    const H = 64;
    let seed = 11;
    const gauss = (): number => {
      const u = ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
      const v = ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    const texture = (x: number, y: number, c: number): number => 128 + 50 * Math.sin(x * 0.3 + c) * Math.cos(y * 0.25 - c) + 30 * Math.sin((x + 2 * y) * 0.11);
    const frame = (dx: number, grain: number): Uint8Array =>
      new Uint8Array(W * H * 3).map((_, i) => {
        const p = Math.floor(i / 3);
        return Math.max(0, Math.min(255, Math.round(texture((p % W) - dx, Math.floor(p / W), i % 3) + grain * gauss())));
      });
    const level = (prev: Uint8Array, cur: Uint8Array): number => {
      const out = measureMotion(prev, cur, W, H, { iterations: 3, radius: 3, finestLevel: 1 }, new Float32Array(MOTION_PLANES * W * H));
      return grainLevel(motionPlanes(out, W * H).backMismatch);
    };
    // A pan of 2.5 px a frame: the texture changes at every pixel in place, yet the flow explains it.
    expect(level(frame(0, 0), frame(2.5, 0))).toBeLessThan(3);
    expect(level(frame(0, 8), frame(2.5, 8))).toBeGreaterThan(8);
    // Nothing trusted: no reading.
    expect(grainLevel(new Float32Array(10).fill(NO_MATCH))).toBe(0);
    expect(grainLevel(Float32Array.of(1, NO_MATCH, 7, 3, NO_MATCH))).toBe(3);
  });
});
