import { describe, expect, it } from 'vitest';
import { OnnxDepthService } from '../../../server/depth/depth-service.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import { readRegistry } from '../../../server/depth/model-registry.ts';
import { SessionPool } from '../../../server/depth/onnx-session.ts';
import { solidFrame, tempModelDir, writeDepthAnythingLike, writeMetricDepthLike } from '../../helpers/test-models.ts';

function service(dir: string): OnnxDepthService {
  return new OnnxDepthService({ store: new ModelStore({ dirs: [dir], registry: readRegistry(), hashCacheFile: null }), pool: new SessionPool(), maxBatch: 2 });
}

describe('a model that outputs NaN or infinity', () => {
  it('NaN disparity: E110 naming the model, nothing returned', async () => {
    const dir = tempModelDir();
    writeDepthAnythingLike(dir, { weights: [Number.NaN, 0, 0], bias: 0 }, { id: 'test-nan' });
    const err = await service(dir).infer({ model: 'test-nan' }, [solidFrame(28, 28, [10, 20, 30])], 28, 28).catch((e) => e);
    expect(err.code).toBe('ANELO_E110_DEPTH_NOT_FINITE');
    expect(err.message).toContain('"test-nan"');
    expect(err.where).toMatchObject({ param: 'model' });
  });

  it('infinite metric depth (which 1/depth would hide as 0): E110', async () => {
    const dir = tempModelDir();
    writeMetricDepthLike(dir, { weights: [0, 0, 0], bias: Number.POSITIVE_INFINITY }, 'test-inf');
    const err = await service(dir).infer({ model: 'test-inf' }, [solidFrame(32, 32, [1, 2, 3])], 32, 32).catch((e) => e);
    expect(err.code).toBe('ANELO_E110_DEPTH_NOT_FINITE');
    expect(err.message).toContain('"test-inf"');
  });

  it('a finite model still runs', async () => {
    const dir = tempModelDir();
    writeDepthAnythingLike(dir, { weights: [1, 0, 0], bias: 0.5 }, { id: 'test-ok' });
    const r = await service(dir).infer({ model: 'test-ok' }, [solidFrame(28, 28, [10, 20, 30])], 28, 28);
    expect(r.frames[0].every(Number.isFinite)).toBe(true);
  });
});
