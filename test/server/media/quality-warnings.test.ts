import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaService } from '../../../server/media/media-service.ts';
import { VICTIM, writeDamagedClip, writeInterlacedClip } from '../../helpers/bad-media.ts';
import { hasShared } from '../../helpers/shared-data.ts';

const media = createMediaService();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-quality-'));
});
afterAll(() => {
  media.close();
  rmSync(dir, { recursive: true, force: true });
});

async function read(file: string, n: number, w: number, h: number, fps: number, extra: { deinterlace?: boolean; onDecodeErrors?: (k: number) => void } = {}): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const f of media.readFrames(file, { fps, width: w, height: h, startTime: 0, startFrame: 0, frameCount: n, ...extra })) out.push(f);
  return out;
}

/** Mean distance of each row from the average of its neighbours: large where two fields of different times comb. */
function combing(frame: Uint8Array, w: number, h: number): number {
  let sum = 0;
  const row = w * 3;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 0; x < row; x++) sum += Math.abs(frame[y * row + x] - (frame[(y - 1) * row + x] + frame[(y + 1) * row + x]) / 2);
  }
  return sum / ((h - 2) * row);
}

describe('interlaced sources', () => {
  it('are detected at probe and deinterlaced by default; off keeps the combs', async () => {
    const clip = await writeInterlacedClip(path.join(dir, 'interlaced.mp4'));
    const p = await media.probe(clip);
    expect(p.interlaced).toBe(true);
    const on = await read(clip, 10, 320, 240, p.fps, { deinterlace: true });
    const off = await read(clip, 10, 320, 240, p.fps, { deinterlace: false });
    const avg = (fs: Uint8Array[]): number => fs.reduce((s, f) => s + combing(f, 320, 240), 0) / fs.length;
    expect(avg(on)).toBeLessThan(avg(off) * 0.8); // measured 2.49 vs 3.79 on this pattern
  }, 30_000);

  it.skipIf(!hasShared('media'))('leave progressive sources byte-identical', async () => {
    expect((await media.probe(VICTIM)).interlaced).toBe(false);
    const on = await read(VICTIM, 8, 176, 144, 29.97, { deinterlace: true });
    const off = await read(VICTIM, 8, 176, 144, 29.97, { deinterlace: false });
    expect(Buffer.concat(on).equals(Buffer.concat(off))).toBe(true);
  });
});

describe.skipIf(!hasShared('media'))('decode errors', () => {
  it('are counted for a damaged file and zero for a clean one', async () => {
    const damaged = writeDamagedClip(path.join(dir, 'damaged.mp4'));
    let bad = 0;
    const frames = await read(damaged, 120, 176, 144, 29.97, { onDecodeErrors: (k) => (bad += k) });
    expect(frames).toHaveLength(120);
    expect(bad).toBeGreaterThan(0);
    let clean = 0;
    await read(VICTIM, 120, 176, 144, 29.97, { onDecodeErrors: (k) => (clean += k) });
    expect(clean).toBe(0);
  }, 30_000);
});
