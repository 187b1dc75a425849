import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { Executor } from '../../../server/engine/executor.ts';
import { renderWarmUp, warmUpPool } from '../../../server/engine/warm-up-pool.ts';
import { createServices } from '../../../server/services.ts';
import { tempModelDir, writeDepthAnythingLike } from '../../helpers/test-models.ts';

describe('warming up the worker pool', () => {
  it('runs every pixel node of the default chain on the threads, leaves nothing in the cache, and warms again next time', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-warm-'));
    const services = await createServices();
    const cache = new ChunkCache({ diskDir: dir });
    const ex = new Executor({ services, cache, workers: 2 });
    try {
      for (let k = 0; k < 2; k++) {
        const { computed } = await warmUpPool(ex);
        // 32 synthetic frames through each, the second time as the first: its cache is its own.
        for (const id of ['scenes', 'flow', 'smooth', 'refine', 'warp']) expect(computed[id]).toBe(32);
      }
      expect(cache.memory.usedBytes).toBe(0);
      expect(await fs.readdir(dir)).toEqual([]);
    } finally {
      await ex.close();
      await services.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('with a model (a cluster worker\'s --preload), runs depth too, each time, however many times on one cache folder', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-warm-'));
    const model = writeDepthAnythingLike(tempModelDir(), { weights: [0.2, 0.5, 0.3], bias: 1 }, { target: 70 }).path;
    const services = await createServices();
    const ex = new Executor({ services, cache: new ChunkCache({ diskDir: dir }), workers: 0 });
    try {
      // A worker restarted on the same cache folder warms as much as the first time: nothing is found cached.
      for (let k = 0; k < 2; k++) expect(await renderWarmUp(ex, model)).toMatchObject({ depth: 32, scenes: 32, flow: 32, smooth: 32, refine: 32, warp: 32 });
      expect(await fs.readdir(dir)).toEqual([]);
    } finally {
      await ex.close();
      await services.close();
      await fs.rm(dir, { recursive: true, force: true });
      await fs.rm(path.dirname(model), { recursive: true, force: true });
    }
  });

  it('is cancelled at once when the server closes, and does nothing without a pool', async () => {
    const services = await createServices();
    const ex = new Executor({ services, workers: 2 });
    try {
      const stop = new AbortController();
      const warming = warmUpPool(ex, stop.signal);
      setTimeout(() => stop.abort(), 50);
      await expect(warming).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
      expect(await warmUpPool(new Executor({ services, workers: 0 }))).toEqual({ ms: 0, computed: {} });
    } finally {
      await ex.close();
      await services.close();
    }
  });
});
