import { describe, expect, it } from 'vitest';
import { figureMotion, pairFigures, temporalFigures } from '../../../nodes/lib/temporal-figures.ts';

const W = 48;
const H = 32;

/** A textured picture moved `dx` pixels right, and a depth ramp that moves with it. */
function scene(dx: number): { rgb: Uint8Array; depth: Float32Array } {
  const rgb = new Uint8Array(W * H * 3);
  const depth = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = x - dx;
      const v = 128 + 80 * Math.sin(u / 3) * Math.cos(y / 4);
      rgb.set([v, 255 - v, (v * 3) % 256], (y * W + x) * 3);
      depth[y * W + x] = 0.2 + 0.6 * (y / H) + 0.1 * Math.sin(u / 9);
    }
  }
  return { rgb, depth };
}

describe('temporal figures', () => {
  it('reads zero for a steady picture with steady depth, and the flicker for depth noise on it', () => {
    const a = scene(0);
    const steady = pairFigures(a.depth, a.depth, W, H, figureMotion(a.rgb, a.rgb, W, H));
    expect(steady).toEqual({ warpError: 0, warpErrorAligned: 0, flicker: 0, motion: NaN });
    const noisy = a.depth.map((v, i) => v + (i % 2 ? 0.05 : -0.05));
    const f = pairFigures(a.depth, noisy, W, H, figureMotion(a.rgb, a.rgb, W, H));
    expect(f.flicker).toBeCloseTo(0.05, 5);
    expect(f.warpError).toBeGreaterThan(0.045);
  });

  it('follows the motion: depth that moves with the picture has no warp error, yet counts as motion', () => {
    const a = scene(0);
    const b = scene(1);
    const f = pairFigures(a.depth, b.depth, W, H, figureMotion(a.rgb, b.rgb, W, H));
    expect(f.warpError).toBeLessThan(0.01);
    expect(f.motion).toBeGreaterThan(0);
  });

  it('warpErrorAligned ignores a global change of scale and shift that warpError sees', () => {
    const a = scene(0);
    const pumped = a.depth.map((v) => 0.8 * v + 0.1);
    const f = pairFigures(a.depth, pumped, W, H, figureMotion(a.rgb, a.rgb, W, H));
    expect(f.warpError).toBeGreaterThan(0.02);
    expect(f.warpErrorAligned).toBeLessThan(1e-5);
  });

  it('skips pairs across a scene start', () => {
    const a = scene(0);
    const other = a.depth.map((v) => 1 - v);
    const across = temporalFigures([a.depth, other], [a.rgb, a.rgb], W, H, Uint8Array.from([0, 1]));
    expect(Number.isNaN(across.flicker)).toBe(true);
    expect(temporalFigures([a.depth, other], [a.rgb, a.rgb], W, H).flicker).toBeGreaterThan(0.1);
  });
});
