import { describe, expect, it } from 'vitest';
import type { DepthChunk, FramesChunk } from '../../nodes/core/types.ts';
import { edgeRefineNode } from '../../nodes/edge-refine.ts';
import { depthStats } from '../../nodes/lib/depth-stats.ts';
import { boxMean } from '../../nodes/lib/box-mean.ts';
import { analysisLut, applyLut } from '../../nodes/lib/sdr-view.ts';
import { runNode, withColour } from './fake-run-context.ts';

describe('edge-refine node', () => {
  // 256x144 frames of a bright disc on a dark ground; depth at 64x36, blurred, as a depth model returns it.
  const W = 256;
  const H = 144;
  const dw = 64;
  const dh = 36;
  const inside = (x: number, y: number) => (x - 128) ** 2 + (y - 72) ** 2 < 40 ** 2;
  const frame = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) frame.fill(inside(x + 0.5, y + 0.5) ? 220 : 30, (y * W + x) * 3, (y * W + x) * 3 + 3);
  const low = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) low[y * dw + x] = inside((x + 0.5) * 4, (y + 0.5) * 4) ? 1 : 0;
  const blurred = boxMean(low, dw, dh, 1);
  const depth: DepthChunk = { type: 'depth', start: 0, width: dw, height: dh, frames: [blurred, blurred, blurred], stats: [blurred, blurred, blurred].map((f) => depthStats(f)) };
  const frames: FramesChunk = { type: 'frames', start: 0, width: W, height: H, frames: [frame, frame, frame] };

  it('reports frame-resolution depth', async () => {
    const info = await edgeRefineNode.info({
      nodeId: 'e',
      params: { radius: 8, epsilon: 0.001, dilation: 1 },
      inputs: { depth: { type: 'depth', width: dw, height: dh, fps: 24, frameCount: 3 }, frames: { type: 'frames', width: W, height: H, fps: 24, frameCount: 3 } },
      services: {} as never,
    });
    expect(info.depth).toMatchObject({ type: 'depth', width: W, height: H, frameCount: 3 });
  });

  it('finds the edges of an HDR (HLG) source in its SDR view', async () => {
    const hlg = withColour({ ...frames }, { transfer: 'arib-std-b67' });
    const mapped: FramesChunk = { ...frames, frames: frames.frames.map((f) => applyLut(f, analysisLut('hlg'))) };
    const asHdr = (await runNode(edgeRefineNode, {}, { depth, frames: hlg }, 0, 2)).result.depth as DepthChunk;
    const asMapped = (await runNode(edgeRefineNode, {}, { depth, frames: mapped }, 0, 2)).result.depth as DepthChunk;
    const asSignal = (await runNode(edgeRefineNode, {}, { depth, frames }, 0, 2)).result.depth as DepthChunk;
    expect(asHdr.frames).toEqual(asMapped.frames);
    expect(asHdr.frames).not.toEqual(asSignal.frames);
  });

  it('upsamples to the frame size with the disc edge where the picture has it', async () => {
    const { result } = await runNode(edgeRefineNode, { dilation: 0 }, { depth, frames }, 1, 3);
    const out = result.depth as DepthChunk;
    expect([out.start, out.width, out.height, out.frames.length]).toEqual([1, W, H, 2]);
    // Classify each pixel as near (> 0.5) and compare with the disc: few pixels disagree, all at the rim.
    const f = out.frames[0];
    let wrong = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (f[y * W + x] > 0.5 !== inside(x + 0.5, y + 0.5)) wrong++;
    const rim = 2 * Math.PI * 40;
    expect(wrong).toBeLessThan(1.0 * rim);
    expect(out.stats[0]).toEqual(depthStats(f));
  });

  it('grows the near disc by the dilation', async () => {
    const area = async (dilation: number) => {
      const f = ((await runNode(edgeRefineNode, { dilation }, { depth, frames }, 0, 1)).result.depth as DepthChunk).frames[0];
      return f.reduce((n, v) => n + (v > 0.5 ? 1 : 0), 0);
    };
    const a0 = await area(0);
    const a3 = await area(3);
    // A disc of radius ~40 grown by 3 px (square element): about 2π·40·3 more pixels.
    expect(a3 - a0).toBeGreaterThan(2 * Math.PI * 40 * 2.5);
    expect(a3 - a0).toBeLessThan(2 * Math.PI * 40 * 4);
  });
});
