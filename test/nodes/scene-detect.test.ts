import { describe, expect, it } from 'vitest';
import type { CutsChunk, FramesChunk } from '../../nodes/core/types.ts';
import { sceneDetectNode } from '../../nodes/scene-detect.ts';
import { readAllFrames } from '../helpers/raw-frames.ts';
import { hasShared, sharedPath } from '../helpers/shared-data.ts';
import { analysisLut, applyLut } from '../../nodes/lib/sdr-view.ts';
import { runNode, withColour } from './fake-run-context.ts';

const cutsOf = (c: CutsChunk) => {
  const out: number[] = [];
  c.flags.forEach((f, k) => f && out.push(c.start + k));
  return out;
};

describe.skipIf(!hasShared('media', 'bikes-cuts.mp4'))('scene-detect node on bikes-cuts.mp4', async () => {
  // Full 640x272 frames: the node samples them down itself.
  const rgb = await readAllFrames(sharedPath('media', 'bikes-cuts.mp4'), { width: 640, height: 272 });
  const stream: FramesChunk = { type: 'frames', start: 0, width: 640, height: 272, frames: rgb };

  it('flags frame 0 and the five cuts, whole clip in one chunk', async () => {
    const { result, progress } = await runNode(sceneDetectNode, {}, { frames: stream }, 0, rgb.length);
    const cuts = result.cuts as CutsChunk;
    expect(cuts.flags.length).toBe(250);
    expect(cutsOf(cuts)).toEqual([0, 30, 76, 137, 187, 242]);
    expect(cuts.scores[76]).toBeGreaterThan(3 * cuts.scores[75]);
    expect(progress.at(-1)).toBe(250);
  });

  it('reads an HDR (PQ) stream through its SDR view', async () => {
    // These frames taken as a PQ signal: the node must score the picture the view shows, not the signal.
    const range = [60, 100] as const;
    const pq = withColour({ ...stream }, { matrix: 'bt2020nc', primaries: 'bt2020', transfer: 'smpte2084' });
    const mapped: FramesChunk = { ...stream, frames: stream.frames.map((f) => applyLut(f, analysisLut('pq'))) };
    const asHdr = (await runNode(sceneDetectNode, {}, { frames: pq }, ...range)).result.cuts as CutsChunk;
    const asMapped = (await runNode(sceneDetectNode, {}, { frames: mapped }, ...range)).result.cuts as CutsChunk;
    const asSignal = (await runNode(sceneDetectNode, {}, { frames: stream }, ...range)).result.cuts as CutsChunk;
    expect(asHdr.scores).toEqual(asMapped.scores);
    expect(asHdr.flags).toEqual(asMapped.flags);
    expect(asHdr.scores).not.toEqual(asSignal.scores);
  });

  it('gives the same flags and scores in chunks of 16 as in one chunk', async () => {
    const whole = (await runNode(sceneDetectNode, {}, { frames: stream }, 0, 250)).result.cuts as CutsChunk;
    const flags: number[] = [];
    const scores: number[] = [];
    for (let s = 0; s < 250; s += 16) {
      const c = (await runNode(sceneDetectNode, {}, { frames: stream }, s, Math.min(250, s + 16))).result.cuts as CutsChunk;
      expect(c.start).toBe(s);
      flags.push(...c.flags);
      scores.push(...c.scores);
    }
    expect(flags).toEqual(Array.from(whole.flags));
    expect(scores).toEqual(Array.from(whole.scores));
  });
});

describe('scene-detect node contract', () => {
  it('needs the previous frame beyond its adaptive window, and reports cuts over the input stream', async () => {
    expect(sceneDetectNode.window!({ sensitivity: 0.5, minSceneLength: 8, window: 12 })).toEqual({ before: 13, after: 12 });
    const info = await sceneDetectNode.info({
      nodeId: 's',
      params: { sensitivity: 0.5, minSceneLength: 8, window: 12 },
      inputs: { frames: { type: 'frames', width: 640, height: 272, fps: 25, frameCount: 250 } },
      services: {} as never,
    });
    expect(info.cuts).toMatchObject({ type: 'cuts', fps: 25, frameCount: 250 });
  });

  it('names the port when the frames input is missing', async () => {
    await expect(
      sceneDetectNode.info({ nodeId: 's', params: { sensitivity: 0.5, minSceneLength: 8, window: 12 }, inputs: {}, services: {} as never }),
    ).rejects.toMatchObject({ code: 'ANELO_E031_NODE_FAILED', where: { nodeId: 's', port: 'frames' } });
  });
});
