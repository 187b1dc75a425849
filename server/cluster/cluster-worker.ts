/**
 * `anelo worker`: takes segment and join jobs of cluster renders from Redis and renders them with the one
 * executor. BullMQ does the distributed part: a job whose worker dies stops renewing its lock, another worker's
 * stalled-job check puts it back in the queue, and it is rendered again elsewhere.
 */
import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { toAneloError } from '../../nodes/core/errors.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';
import { ChunkCache } from '../engine/chunk-cache.ts';
import { Executor } from '../engine/executor.ts';
import { createServices } from '../services.ts';
import { CANCEL_CHANNEL, QUEUE_NAME, cancelKey, encodeFailure, type JoinJobData, type SegmentJobData } from './cluster-jobs.ts';
import { bullConnection, checkRedis, parseRedisUrl } from './connect-redis.ts';
import { knownCutsNode } from './known-cuts.ts';
import { processJoin } from './process-join.ts';
import { processSegment } from './process-segment.ts';
import { warmUp } from './warm-up.ts';

export interface ClusterWorkerOptions {
  redis: string;
  /** Jobs this process renders at once. */
  workers: number;
  cacheDir: string;
  /** How long a job's lock lasts without renewal: a dead worker's job is retried after about this long. */
  lockMs?: number;
  /** Depth models to load, and threads to start, before taking a job (warm-up.ts). */
  preload?: readonly string[];
  onLog?: (line: string) => void;
}

export interface ClusterWorker {
  name: string;
  /** Time the warm-up took (0 without --preload). */
  warmUpMs: number;
  close(): Promise<void>;
}

export async function startClusterWorker(o: ClusterWorkerOptions): Promise<ClusterWorker> {
  const target = parseRedisUrl(o.redis);
  await checkRedis(target);
  const name = `${os.hostname()}:${process.pid}`;
  const log = o.onLog ?? (() => {});
  const services = await createServices();
  const executor = new Executor({
    services,
    cache: new ChunkCache({ diskDir: o.cacheDir, onWarning: (w) => log(`warning: ${w.message}: ${w.file}`) }),
    definitions: [...NODE_DEFINITIONS, knownCutsNode],
    // A worker waits between segments: its warmed pool threads stay until it stops.
    keepThreads: true,
  });
  let warmUpMs = 0;
  if (o.preload?.length) {
    try {
      warmUpMs = (await warmUp(executor, o.preload)).ms;
    } catch (e) {
      await services.close();
      await executor.close();
      throw e;
    }
    log(`warmed up in ${warmUpMs} ms: ${o.preload.join(', ')} loaded, depth and pool threads started`);
  }
  const connection = bullConnection(target);
  const subscriber = bullConnection(target);
  // Jobs running here, by render, so a cancel reaches them.
  const running = new Map<string, { renderId: string; controller: AbortController }>();

  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel: string, renderId: string) => {
    for (const r of running.values()) if (r.renderId === renderId) r.controller.abort();
  });

  const lockMs = o.lockMs ?? 30_000;
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job, _token?: string, bullSignal?: AbortSignal) => {
      const d = job.data as SegmentJobData | JoinJobData;
      const controller = new AbortController();
      bullSignal?.addEventListener('abort', () => controller.abort(), { once: true });
      running.set(job.id!, { renderId: d.renderId, controller });
      const segment = job.name === 'segment' ? { index: (d as SegmentJobData).index, start: (d as SegmentJobData).start, end: (d as SegmentJobData).end } : undefined;
      try {
        if (await connection.exists(cancelKey(d.renderId))) controller.abort();
        if (controller.signal.aborted) throw new UnrecoverableError(encodeFailure({ code: 'ANELO_E030_CANCELLED', title: 'Run cancelled', message: 'render cancelled', segment, worker: name }));
        log(`${job.name} ${segment ? `${segment.index} [${segment.start},${segment.end})` : ''} of render ${d.renderId}`);
        if (job.name === 'join') return await processJoin(job as Job<JoinJobData>, name, controller.signal);
        return await processSegment(job as Job<SegmentJobData>, executor, name, controller.signal);
      } catch (e) {
        if (e instanceof UnrecoverableError) throw e;
        const err = toAneloError(controller.signal.aborted ? Object.assign(new Error('render cancelled'), { name: 'AbortError' }) : e);
        log(`${job.name} failed: ${err.code} ${err.message}`);
        const reason = encodeFailure({ ...err.toJSON(), segment, worker: name });
        // A coded error would fail again anywhere; only an unexpected one is worth another attempt.
        throw err.code === 'ANELO_E099_INTERNAL' ? new Error(reason) : new UnrecoverableError(reason);
      } finally {
        running.delete(job.id!);
      }
    },
    { connection, concurrency: Math.max(1, o.workers), name, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 2 },
  );
  worker.on('error', (e) => log(`queue error: ${e.message}`));
  await worker.waitUntilReady();
  return {
    name,
    warmUpMs,
    async close() {
      // Stop without recording anything for the running jobs: their locks lapse and other workers take them
      // over as stalled jobs, exactly as if this machine had died, only with its ffmpeg processes cleaned up.
      await worker.close(true);
      subscriber.disconnect();
      connection.disconnect();
      for (const r of running.values()) r.controller.abort();
      await services.close();
      await executor.close();
    },
  };
}
