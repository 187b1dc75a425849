import { describe, expect, it } from 'vitest';
import { decideCuts, frameSignature, signatureDistance, signatureSpread, cutDecisionRadius, type SceneCutParams } from '../../../nodes/lib/scene-cuts.ts';
import { readAllFrames } from '../../helpers/raw-frames.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

const DEFAULTS: SceneCutParams = { sensitivity: 0.5, minSceneLength: 8, window: 12 };

function scoresOf(frames: Uint8Array[], w: number, h: number): Float32Array {
  const sigs = frames.map((f) => frameSignature(f, w, h));
  const scores = new Float32Array(frames.length);
  for (let i = 1; i < frames.length; i++) scores[i] = signatureDistance(sigs[i - 1], sigs[i]);
  return scores;
}

function cutIndices(flags: Uint8Array, offset = 0): number[] {
  const out: number[] = [];
  flags.forEach((f, k) => f && out.push(k + offset));
  return out;
}

/** Every expected cut matched within ±1 frame; returns the detected cuts that match none (false cuts). */
function falseCuts(found: number[], expected: number[]): number[] {
  for (const e of expected) expect(found.some((f) => Math.abs(f - e) <= 1), `cut at ${e} found (got ${found})`).toBe(true);
  return found.filter((f) => f !== 0 && !expected.some((e) => Math.abs(f - e) <= 1));
}

describe.skipIf(!hasShared('media', 'bikes-cuts.mp4'))('scene cuts on bikes-cuts.mp4', () => {
  it('finds the five hard cuts of real street footage within one frame, with at most one false cut', async () => {
    const frames = await readAllFrames(sharedPath('media', 'bikes-cuts.mp4'), { width: 160, height: 68 });
    expect(frames.length).toBe(250);
    const flags = decideCuts(scoresOf(frames, 160, 68), 0, 0, frames.length, DEFAULTS);
    const found = cutIndices(flags);
    expect(found[0]).toBe(0);
    expect(falseCuts(found, [30, 76, 137, 187, 242]).length).toBeLessThanOrEqual(1);
  });
});

describe.skipIf(!hasShared('media', 'bikes-cuts.mp4'))('scene cuts in dim, flat or washed-out footage', () => {
  it('finds the same five cuts when the picture has a third to half the contrast, with no false cut', async () => {
    const frames = await readAllFrames(sharedPath('media', 'bikes-cuts.mp4'), { width: 160, height: 68 });
    // As ffmpeg's eq filter would grade it: contrast about the mid level, then a brightness offset, clipped.
    const graded = (contrast: number, brightness: number) =>
      frames.map((f) => f.map((v) => Math.min(255, Math.max(0, Math.round((v - 128) * contrast + 128 + brightness * 255)))));
    // Before, the cut scores fell with the contrast under the absolute floor: 3 of 5 cuts found (0.6, −0.25), 1 (0.4, −0.3), 2 (0.5, +0.3).
    for (const [contrast, brightness] of [[0.6, -0.25], [0.4, -0.3], [0.5, 0.3]]) {
      const found = cutIndices(decideCuts(scoresOf(graded(contrast, brightness), 160, 68), 0, 0, frames.length, DEFAULTS));
      expect(found, `contrast ${contrast}, brightness ${brightness}`).toEqual([0, 30, 76, 137, 187, 242]);
    }
    // Ordinary contrast is scored as before: a pair of frames at least half the range apart gains nothing.
    const sigs = [frames[10], frames[11]].map((f) => frameSignature(f, 160, 68));
    expect(signatureSpread(sigs[0])).toBeGreaterThan(0.5);
  });
});

describe.skipIf(!hasShared('media', 'bbb-60s-640x360.mp4'))('scene cuts on bbb-60s-640x360.mp4', () => {
  it('finds the title-card change and the five cuts, and the fade from black is not a train of cuts', async () => {
    const frames = await readAllFrames(sharedPath('media', 'bbb-60s-640x360.mp4'), { width: 160, height: 90 });
    expect(frames.length).toBe(1440);
    const scores = scoresOf(frames, 160, 90);
    const found = cutIndices(decideCuts(scores, 0, 0, frames.length, DEFAULTS));
    expect(falseCuts(found, [1, 285, 378, 553, 1145, 1346]).length).toBeLessThanOrEqual(1);
    // The fade in from black spans roughly frames 2..60.
    expect(found.filter((f) => f >= 3 && f <= 60)).toEqual([]);
  });

  it('decides every frame the same whichever chunk it is decided in', async () => {
    const frames = await readAllFrames(sharedPath('media', 'bbb-60s-640x360.mp4'), { width: 160, height: 90, maxFrames: 420 });
    const scores = scoresOf(frames, 160, 90);
    const whole = decideCuts(scores, 0, 0, frames.length, DEFAULTS);
    const R = cutDecisionRadius(DEFAULTS);
    const pieces: number[] = [];
    for (let s = 0; s < frames.length; s += 11) {
      const e = Math.min(frames.length, s + 11);
      // Scores of only the window: [s - R, e + R), each needing its predecessor frame.
      const lo = Math.max(1, s - R);
      const hi = Math.min(frames.length, e + R);
      const local = new Float32Array(hi - lo);
      for (let i = lo; i < hi; i++) local[i - lo] = signatureDistance(frameSignature(frames[i - 1], 160, 90), frameSignature(frames[i], 160, 90));
      const flags = s === 0 ? decideCuts(scores.subarray(0, hi), 0, s, e, DEFAULTS) : decideCuts(local, lo, s, e, DEFAULTS);
      pieces.push(...flags);
    }
    expect(cutIndices(Uint8Array.from(pieces))).toEqual(cutIndices(whole));
    expect(cutIndices(whole)).toEqual(expect.arrayContaining([0, 1, 285, 378]));
  });
});

describe('scene cuts on synthetic frames', () => {
  const w = 32;
  const h = 18;
  const solid = (r: number, g: number, b: number): Uint8Array => {
    const f = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) f.set([r, g, b], i * 3);
    return f;
  };

  it('treats a slow fade as no cut and a sudden change as one', () => {
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) frames.push(solid(i * 4, i * 3, i * 2)); // fade up
    for (let i = 0; i < 30; i++) frames.push(solid(200, 30, 30)); // cut at 40
    const found = cutIndices(decideCuts(scoresOf(frames, w, h), 0, 0, frames.length, DEFAULTS));
    expect(found).toEqual([0, 40]);
  });

  it('keeps only the strongest of two changes closer than the minimum scene length', () => {
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) frames.push(solid(10, 10, 10));
    for (let i = 0; i < 3; i++) frames.push(solid(60, 60, 60)); // weaker change at 20
    for (let i = 0; i < 20; i++) frames.push(solid(250, 250, 250)); // stronger change at 23
    const found = cutIndices(decideCuts(scoresOf(frames, w, h), 0, 0, frames.length, DEFAULTS));
    expect(found).toEqual([0, 23]);
    const short = cutIndices(decideCuts(scoresOf(frames, w, h), 0, 0, frames.length, { ...DEFAULTS, minSceneLength: 2 }));
    expect(short).toEqual([0, 20, 23]);
  });
});
