/** How the services share the machine's cores with the pool. */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { depthThreadPlan } from '../../server/depth/depth-thread.ts';
import { createServices, depthCores } from '../../server/services.ts';
import { solidFrame, tempModelDir, writeDepthAnythingLike } from '../helpers/test-models.ts';

describe('depthCores', () => {
  it('gives depth inference the cores the pool is given, so one-thread workers sharing a machine start one depth thread each', () => {
    expect(depthCores(1)).toBe(1);
    expect(depthThreadPlan(depthCores(1))).toEqual({ threads: 1, intraOp: 1 });
    expect(depthCores(0)).toBe(0);
  });

  it('never more than the machine has, however many pool threads are asked for', () => {
    expect(depthCores(1000)).toBe(os.availableParallelism());
  });
});

/** Threads of this process now (Linux). */
const threadCount = (): number => readdirSync('/proc/self/task').length;

describe.skipIf(process.platform !== 'linux' || os.availableParallelism() < 2)('--workers 0', () => {
  it('runs depth inference on the main thread alone: onnxruntime starts no threads of its own', async () => {
    const dir = tempModelDir();
    const control = writeDepthAnythingLike(dir, { weights: [0.5, -0.25, 0.125], bias: 2 }, { id: 'control' });
    const model = writeDepthAnythingLike(dir, { weights: [0.25, 0.5, 0.125], bias: 1 }, { id: 'main-only' });
    const frame = solidFrame(64, 48, [200, 120, 40]);
    const services = await createServices({}, { workers: 0 });
    try {
      // onnxruntime, libvips and libuv's threads loaded first, with a session that asks for one thread.
      await services.depth.infer({ model: control.path, threads: 1 }, [frame], 64, 48);
      const before = threadCount();
      // The same service with two intra-op threads asked for by the node: the count sees onnxruntime's thread.
      await services.depth.infer({ model: control.path, threads: 2 }, [frame], 64, 48);
      expect(threadCount()).toBe(before + 1);
      // Auto (threads 0), as a user leaves it: no thread beside the main one.
      const out = await services.depth.infer({ model: model.path, threads: 0 }, [frame], 64, 48);
      expect(out.frames).toHaveLength(1);
      expect(threadCount()).toBe(before + 1);
    } finally {
      await services.close();
    }
  });
});
