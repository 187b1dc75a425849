/**
 * Segments render while planning goes on: a segment handed over early is rendered and finished by a worker before
 * the planner hands over the next, and the join still waits for every segment (not only those there when the
 * first ones finished), so the output has every frame. A planner failing half way fails the render and cleans up.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AneloError } from '../../../nodes/core/errors.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { QUEUE_NAME } from '../../../server/cluster/cluster-jobs.ts';
import { bullConnection, parseRedisUrl } from '../../../server/cluster/connect-redis.ts';
import { planRender, type RenderPlan } from '../../../server/cluster/plan-render.ts';
import { submitRender } from '../../../server/cluster/submit-render.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { createServices, type LocalServices } from '../../../server/services.ts';
import { DECODE_ENCODE_GRAPH } from '../../helpers/decode-encode-graph.ts';
import { hasRedisServer, startRedis, type TestRedis } from '../../helpers/redis-server.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';
import { startWorker, videoFacts, type WorkerProcess } from './cluster-fixture.ts';

describe.skipIf(!hasRedisServer() || !hasShared('media', 'carphone-176x144.mp4'))('a cluster render planned while it runs', () => {
  let redis: TestRedis;
  let dir: string;
  let services: LocalServices;
  let worker: WorkerProcess;

  beforeAll(async () => {
    redis = await startRedis();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-streamed-plan-'));
    services = await createServices();
    worker = await startWorker(redis.url, path.join(dir, 'cache-w'));
  }, 60_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    services?.close();
    await redis?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a worker finishes the first segment before planning hands over the rest, and the join waits for all of them', async () => {
    const graph = structuredClone(DECODE_ENCODE_GRAPH) as GraphDocument;
    graph.nodes[0].params.path = sharedPath('media', 'carphone-176x144.mp4');
    const out = path.join(dir, 'out.mp4');
    // Asked past the clip's 120 frames: the render stops at its end and its report says so.
    const plan = await planRender({ graph, outputs: { encode: out }, frames: { start: 0, end: 500 }, rules: { maxFrames: 30, minFrames: 12 }, services, cache: new ChunkCache({ diskDir: path.join(dir, 'cache-plan') }), workers: 0 });
    expect(plan.frames).toEqual({ start: 0, end: 120 });
    const queue = new Queue(QUEUE_NAME, { connection: bullConnection(parseRedisUrl(redis.url)) });
    const handedAt: number[] = [];
    // The planner holds every hand-over after the first until the first segment is finished on the worker.
    const slowPlan: RenderPlan = {
      ...plan,
      findSegments: (onSegment, signal) =>
        plan.findSegments(async (job) => {
          if (job.index > 0) {
            const until = Date.now() + 60_000;
            while ((await queue.getJobState(`${plan.renderId}-seg-0`)) !== 'completed') {
              if (Date.now() > until) throw new Error('segment 0 never finished while planning waited');
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          handedAt.push(Date.now());
          await onSegment(job);
        }, signal),
    };
    try {
      const report = await submitRender({ redis: redis.url, plan: slowPlan, signal: new AbortController().signal });
      const segments = report.cluster.segments;
      expect(segments.map((s) => [s.start, s.end])).toEqual([[0, 30], [30, 60], [60, 90], [90, 120]]);
      expect(segments[0].endedAt).toBeLessThanOrEqual(handedAt[1]);
      expect((await videoFacts(out)).frames).toBe(120);
      expect(report.nodes.encode.computedFrames).toBe(120);
      expect(report.warnings).toEqual(["ANELO_E033_FRAME_OUT_OF_RANGE: frames 0:500 end past the input's 120 frames: rendering 0:120"]);
    } finally {
      await queue.close();
    }
  }, 120_000);

  it('a planner that fails after handing over a segment fails the render with its error and leaves no job, gate or folder', async () => {
    const graph = structuredClone(DECODE_ENCODE_GRAPH) as GraphDocument;
    graph.nodes[0].params.path = sharedPath('media', 'carphone-176x144.mp4');
    const plan = await planRender({ graph, outputs: { encode: path.join(dir, 'never.mp4') }, rules: { maxFrames: 30, minFrames: 12 }, services, cache: new ChunkCache(), workers: 0 });
    const failing: RenderPlan = {
      ...plan,
      findSegments: (onSegment, signal) =>
        plan.findSegments(async (job) => {
          if (job.index > 0) throw new AneloError('ANELO_E012_DECODE_FAILED', 'the input went away while planning', { file: 'carphone-176x144.mp4' });
          await onSegment(job);
        }, signal),
    };
    await expect(submitRender({ redis: redis.url, plan: failing, signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'ANELO_E012_DECODE_FAILED',
      message: 'the input went away while planning',
    });
    const r = new Redis(redis.port, '127.0.0.1');
    try {
      expect((await r.keys('bull:anelo-render*')).filter((k) => k.includes(plan.renderId))).toEqual([]);
    } finally {
      r.disconnect();
    }
    await expect(fs.stat(plan.segmentDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.readdir(dir)).not.toContain('never.mp4');
  }, 120_000);
});
