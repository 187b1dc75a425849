import { beforeAll, describe, expect, it } from 'vitest';
import { withDefaults, type JsonSchema } from '../../nodes/core/param-schema.ts';
import type { DepthChunk, FramesChunk, InfoContext, MediaService, RunContext, Services, StreamInfo } from '../../nodes/core/types.ts';
import { depthNode } from '../../nodes/depth.ts';
import { OnnxDepthService } from '../../server/depth/depth-service.ts';
import { readRegistry } from '../../server/depth/model-registry.ts';
import { ModelStore } from '../../server/depth/model-store.ts';
import { SessionPool } from '../../server/depth/onnx-session.ts';
import { gradientFrame, solidFrame, tempModelDir, writeDepthAnythingLike, type TestModel } from '../helpers/test-models.ts';

type Params = Parameters<NonNullable<typeof depthNode.run>>[0]['params'];

const media = {} as MediaService;
const frameInfo: StreamInfo = { type: 'frames', width: 70, height: 40, fps: 25, frameCount: 10 };
let dir: string;
let model: TestModel;
let services: Services;

const params = (over: Record<string, unknown> = {}): Params =>
  withDefaults(JSON.parse(JSON.stringify(depthNode.params)) as JsonSchema, { model: 'test-da-like', ...over }) as Params;

function infoCtx(p: Params, s: Services = services): InfoContext<Params> {
  return { nodeId: 'd1', params: p, inputs: { frames: frameInfo }, services: s };
}

function runCtx(p: Params, frames: FramesChunk, s: Services = services, progress: number[] = []): RunContext<Params> {
  return {
    nodeId: 'd1', params: p, start: frames.start, end: frames.start + frames.frames.length,
    info: {}, inputInfo: { frames: frameInfo }, inputs: { frames }, services: s, signal: new AbortController().signal,
    progress: (n) => progress.push(n), stat: () => {},
  };
}

beforeAll(() => {
  dir = tempModelDir();
  model = writeDepthAnythingLike(dir, { weights: [1, 0, 0], bias: 0 });
  services = { media, depth: new OnnxDepthService({ store: new ModelStore({ dirs: [dir], registry: readRegistry(), hashCacheFile: null }), pool: new SessionPool() }) };
});

describe('depth node', () => {
  it('defaults to Depth Anything V2 Small on the CPU', () => {
    const d = withDefaults(JSON.parse(JSON.stringify(depthNode.params)) as JsonSchema, {});
    expect(d).toEqual({ inputSize: 0, model: 'depth-anything-v2-small', precision: 'auto', provider: 'cpu', threads: 0 });
    expect(depthNode.cache).toBe('disk');
  });

  it('reports the model-resolution size of its output', async () => {
    const info = await depthNode.info(infoCtx(params()));
    expect(info.depth).toMatchObject({ type: 'depth', width: 56, height: 28, fps: 25, frameCount: 10 });
  });

  it('turns a chunk of frames into disparity with per-frame stats', async () => {
    const frames = [gradientFrame(70, 40), solidFrame(70, 40, [255, 0, 0])];
    const progress: number[] = [];
    const out = await depthNode.run!(runCtx(params(), { type: 'frames', start: 4, width: 70, height: 40, frames }, services, progress));
    const d = out.depth as DepthChunk;
    expect([d.type, d.start, d.width, d.height, d.frames.length]).toEqual(['depth', 4, 56, 28, 2]);
    // Red weight 1 on (r/255 - 0.485)/0.229: a ramp left to right, and a constant for the solid frame.
    expect(d.frames[0][55]).toBeGreaterThan(d.frames[0][0]);
    const red = (1 - 0.485) / 0.229;
    expect(d.stats[1].p50).toBeCloseTo(red, 2);
    expect(d.stats[1].min).toBe(d.stats[1].max);
    expect(d.stats[0].p02).toBeLessThan(d.stats[0].p98);
    expect(progress.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('keys its cache on the model hash, not on threads', async () => {
    const a = await depthNode.identity!(infoCtx(params({ threads: 1 })));
    const b = await depthNode.identity!(infoCtx(params({ threads: 2 })));
    expect(a).toBe(b);
    expect(a).toContain(model.sha256);
    const other = writeDepthAnythingLike(tempModelDir(), { weights: [1, 0, 0], bias: 0.001 });
    expect(await depthNode.identity!(infoCtx(params({ model: other.path })))).not.toBe(a);
  });

  it('fails with ANELO_E040 and its node id when no depth runtime is available', async () => {
    const frames: FramesChunk = { type: 'frames', start: 0, width: 70, height: 40, frames: [solidFrame(70, 40, [0, 0, 0])] };
    await expect(depthNode.run!(runCtx(params(), frames, { media }))).rejects.toMatchObject({ code: 'ANELO_E040_MODEL_MISSING', where: { nodeId: 'd1' } });
  });

  it('fails with ANELO_E040, its node id and the manual placement text when the model is missing', async () => {
    const err = await depthNode.identity!(infoCtx(params({ model: 'midas-v21-small' }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ANELO_E040_MODEL_MISSING', where: { nodeId: 'd1', param: 'model' } });
    expect((err as Error).message).toContain('https://github.com/isl-org/MiDaS/releases/download/v2_1/model-small.onnx');
    expect((err as Error).message).toContain(dir);
  });
});
