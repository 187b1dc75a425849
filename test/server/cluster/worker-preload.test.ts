/**
 * `anelo worker --preload <model>`: the worker warms up (model loaded on its depth threads, pool threads started)
 * before it reports ready, and a model it cannot load stops it at start with the coded error, naming the option.
 */
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, startRedis, type TestRedis } from '../../helpers/redis-server.ts';
import { anelo, MODELS_DIR, startWorker } from './cluster-fixture.ts';

describe.skipIf(!hasRedisServer())('anelo worker --preload', () => {
  let redis: TestRedis;
  const cacheDir = path.join(os.tmpdir(), `anelo-preload-${process.pid}`);

  beforeAll(async () => {
    redis = await startRedis();
  }, 60_000);

  afterAll(async () => {
    await redis?.stop();
  });

  it('an unknown model stops the worker at start with ANELO_E041, naming --preload', async () => {
    const r = await anelo(['worker', '--redis', redis.url, '--cache-dir', cacheDir, '--preload', 'no-such-model']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error ANELO_E041_MODEL_UNKNOWN \(param preload\): --preload no-such-model: Unknown model "no-such-model"/m);
    expect(r.stderr).not.toMatch(/ready/);
  }, 60_000);

  it.skipIf(!MODELS_DIR)('warms up with the model before it is ready', async () => {
    const w = await startWorker(redis.url, cacheDir, {}, ['--preload', 'fastdepth-nyu-224']);
    try {
      const log = w.log();
      expect(log).toMatch(/warmed up in \d+ ms: fastdepth-nyu-224 loaded/);
      expect(log.indexOf('warmed up')).toBeLessThan(log.indexOf('ready'));
    } finally {
      await w.stop();
    }
  }, 120_000);
});
