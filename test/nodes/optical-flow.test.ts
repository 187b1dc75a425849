import { describe, expect, it } from 'vitest';
import type { DepthChunk, FramesChunk } from '../../nodes/core/types.ts';
import { opticalFlowNode } from '../../nodes/optical-flow.ts';
import { motionPlanes, NO_MATCH } from '../../nodes/lib/motion-planes.ts';
import { analysisLut, applyLut } from '../../nodes/lib/sdr-view.ts';
import { runNode, withColour } from './fake-run-context.ts';

const W = 64;
const H = 48;

/** A textured picture moved `dx` pixels right per frame. */
function frame(i: number, dx: number): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = x - dx * i;
      const v = 128 + 70 * Math.sin(u / 4) * Math.cos(y / 5);
      rgb.set([v, 200 - v / 2, (3 * v) % 256], (y * W + x) * 3);
    }
  }
  return rgb;
}

describe('optical-flow node', () => {
  const frames: FramesChunk = { type: 'frames', start: 0, width: W, height: H, frames: [0, 1, 2, 3].map((i) => frame(i, 1)) };
  const depth: DepthChunk = { type: 'depth', start: 0, width: W, height: H, frames: frames.frames.map(() => new Float32Array(W * H)), stats: [] };

  it('measures motion at the depth size (halved while above `detail` pixels), as eight stacked planes', async () => {
    const info = await opticalFlowNode.info({ nodeId: 'f', params: { iterations: 2, patch: 3, detail: 20000 }, inputs: { frames: { type: 'frames', width: 640, height: 272, fps: 25, frameCount: 9 }, depth: { type: 'depth', width: 518, height: 292, fps: 25, frameCount: 9 } }, services: {} as never });
    expect(info.motion).toMatchObject({ type: 'depth', width: 129, height: 73 * 8, frameCount: 9 });
    expect(opticalFlowNode.window!({ iterations: 2, patch: 3, detail: 20000 })).toEqual({ before: 1, after: 0 });
  });

  it('finds a picture sliding one pixel right per frame, trusts it, and trusts nothing at the first frame', async () => {
    const { result } = await runNode(opticalFlowNode, {}, { frames, depth }, 0, 4);
    const motion = result.motion as DepthChunk;
    expect([motion.width, motion.height, motion.frames.length]).toEqual([W, H * 8, 4]);
    const first = motionPlanes(motion.frames[0], W * H);
    expect(first.backMismatch.every((m) => m === NO_MATCH)).toBe(true);
    const p = motionPlanes(motion.frames[2], W * H);
    let u = 0;
    let trusted = 0;
    let n = 0;
    for (let y = 8; y < H - 8; y++) {
      for (let x = 8; x < W - 8; x++, n++) {
        u += p.back.u[y * W + x];
        if (p.backMismatch[y * W + x] < 12) trusted++;
      }
    }
    // Frame t's pixels came from one pixel to the left in frame t−1.
    expect(u / n).toBeCloseTo(-1, 1);
    expect(trusted / n).toBeGreaterThan(0.9);
  });

  it('reads an HDR (PQ) source through its SDR view: the motion of the mapped picture, not of the signal', async () => {
    const pq = withColour({ ...frames }, { transfer: 'smpte2084' });
    const mapped: FramesChunk = { ...frames, frames: frames.frames.map((f) => applyLut(f, analysisLut('pq'))) };
    const asHdr = (await runNode(opticalFlowNode, {}, { frames: pq, depth }, 0, 4)).result.motion as DepthChunk;
    const asMapped = (await runNode(opticalFlowNode, {}, { frames: mapped, depth }, 0, 4)).result.motion as DepthChunk;
    const asSignal = (await runNode(opticalFlowNode, {}, { frames, depth }, 0, 4)).result.motion as DepthChunk;
    expect(asHdr.frames).toEqual(asMapped.frames);
    expect(asHdr.frames).not.toEqual(asSignal.frames);
  });

  it('sees a thin moving line as moving, which colour averaged to the motion size hides', async () => {
    // 128x96 depth, motion solved at 32x24: a 1-pixel line 60 grey levels above a flat background, 2 px per frame.
    const [w, h] = [128, 96];
    const line = (i: number): Uint8Array => {
      const rgb = new Uint8Array(w * h * 3).fill(100);
      for (let y = 0; y < h; y++) rgb.fill(160, (y * w + 40 + 2 * i) * 3, (y * w + 41 + 2 * i) * 3);
      return rgb;
    };
    const f: FramesChunk = { type: 'frames', start: 0, width: w, height: h, frames: [0, 1, 2].map(line) };
    const d: DepthChunk = { type: 'depth', start: 0, width: w, height: h, frames: f.frames.map(() => new Float32Array(w * h)), stats: [] };
    const m = (await runNode(opticalFlowNode, { detail: 2000 }, { frames: f, depth: d }, 0, 3)).result.motion as DepthChunk;
    expect([m.width, m.height / 8]).toEqual([32, 24]);
    const p = motionPlanes(m.frames[2], 32 * 24);
    // The line left column 42 and reached 44: motion column 10 (depth columns 40..43) and 11 (44..47).
    const row = 12 * 32;
    expect(p.moving[row + 10]).toBeCloseTo(60, 0);
    expect(p.moving[row + 11]).toBeCloseTo(60, 0);
    expect(p.change[row + 10]).toBeLessThan(20);
    expect(p.moving[row + 20]).toBe(0);
  });
});
