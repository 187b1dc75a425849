/**
 * Submits a planned render as one BullMQ flow (the join job is the parent, one child per segment), follows it
 * through queue events, and returns the merged report once the join is done. A coded failure of any job fails
 * the render with that error; cancelling (or a failure) stops the render's other jobs on every worker.
 */
import { promises as fs } from 'node:fs';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import { AneloError, type ErrorCode } from '../../nodes/core/errors.ts';
import { CANCEL_CHANNEL, QUEUE_NAME, cancelKey, decodeFailure, type JoinResult, type SegmentProgress, type SegmentResult } from './cluster-jobs.ts';
import { bullConnection, parseRedisUrl } from './connect-redis.ts';
import { mergeReports, type ClusterReport } from './merge-reports.ts';
import type { RenderPlan } from './plan-render.ts';

/** What the planner shows while a render runs. */
export type ClusterEvent =
  | { type: 'progress'; done: number; total: number }
  | { type: 'segment-progress'; index: number; worker: string; done: number; total: number }
  | { type: 'segment-start'; index: number; start: number; end: number; worker: string }
  | { type: 'segment-done'; index: number; worker: string; ms: number }
  | { type: 'segment-stalled'; index: number }
  | { type: 'join-start' }
  | { type: 'join-done'; worker: string; ms: number };

export interface SubmitOptions {
  redis: string;
  plan: RenderPlan;
  signal: AbortSignal;
  onEvent?: (e: ClusterEvent) => void;
  /** Attempts per segment for unexpected (uncoded) failures; a worker dying is handled as a stall, not an attempt. */
  attempts?: number;
}

const parse = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export async function submitRender(o: SubmitOptions): Promise<ClusterReport> {
  const t0 = performance.now();
  const { plan } = o;
  const emit = o.onEvent ?? (() => {});
  const target = parseRedisUrl(o.redis);
  const connection = bullConnection(target);
  const queue = new Queue(QUEUE_NAME, { connection });
  const eventsConnection = bullConnection(target);
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
  const flows = new FlowProducer({ connection });
  const joinId = `${plan.renderId}-join`;
  const segId = (i: number): string => `${plan.renderId}-seg-${i}`;
  const segIndex = new Map(plan.segments.map((s) => [segId(s.index), s.index]));
  const done = new Float64Array(plan.segments.length);
  const active = new Set<string>();
  const total = plan.frames.end - plan.frames.start;

  let settle!: { resolve: (r: JoinResult) => void; reject: (e: AneloError) => void };
  const finished = new Promise<JoinResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  finished.catch(() => {});
  const fail = (code: ErrorCode, message: string, where: ConstructorParameters<typeof AneloError>[2] = {}, details?: unknown): void => settle.reject(new AneloError(code, message, where, details));

  events.on('progress', ({ jobId, data }) => {
    const i = segIndex.get(jobId);
    if (i === undefined) return;
    const p = parse<SegmentProgress>(data);
    if (!active.has(jobId)) {
      active.add(jobId);
      const s = plan.segments[i];
      emit({ type: 'segment-start', index: i, start: s.start, end: s.end, worker: p.worker });
    }
    done[i] = p.done;
    emit({ type: 'segment-progress', index: i, worker: p.worker, done: p.done, total: p.total });
    emit({ type: 'progress', done: done.reduce((a, b) => a + b, 0), total });
  });
  events.on('stalled', ({ jobId }) => {
    const i = segIndex.get(jobId);
    if (i === undefined) return;
    active.delete(jobId);
    done[i] = 0;
    emit({ type: 'segment-stalled', index: i });
  });
  events.on('completed', ({ jobId, returnvalue }) => {
    const i = segIndex.get(jobId);
    if (i !== undefined) {
      active.delete(jobId);
      const r = parse<SegmentResult>(returnvalue);
      done[i] = plan.segments[i].end - plan.segments[i].start;
      emit({ type: 'segment-done', index: i, worker: r.worker, ms: r.ms });
      if (done.every((d, k) => d === plan.segments[k].end - plan.segments[k].start)) emit({ type: 'join-start' });
    } else if (jobId === joinId) settle.resolve(parse<JoinResult>(returnvalue));
  });
  events.on('failed', ({ jobId, failedReason }) => {
    const i = segIndex.get(jobId);
    if (i === undefined && jobId !== joinId) return;
    active.delete(jobId);
    const f = decodeFailure(failedReason);
    if (!f) {
      fail('ANELO_E142_SEGMENT_FAILED', `${i === undefined ? 'the join' : `segment ${i}`} failed: ${failedReason}`);
      return;
    }
    const seg = f.segment ? `segment ${f.segment.index} [${f.segment.start},${f.segment.end})` : 'the join';
    const where = { nodeId: f.nodeId, param: f.param, port: f.port, file: f.file, frame: f.frame };
    fail(f.code, `${f.message} (${seg} on worker ${f.worker})`, where, { segment: f.segment, worker: f.worker });
  });

  const cancelRest = async (): Promise<void> => {
    await connection.set(cancelKey(plan.renderId), '1', 'EX', 86_400).catch(() => {});
    await connection.publish(CANCEL_CHANNEL, plan.renderId).catch(() => {});
    // Waiting segments are removed; running ones stop on the cancel message and fail as cancelled.
    for (const id of segIndex.keys()) await queue.remove(id).catch(() => {});
    // A running segment cannot be removed while its worker holds it: wait until it has stopped (a loaded machine
    // can take seconds to kill ffmpeg and a pool thread), then remove what it left, and the join with it.
    const until = Date.now() + 30_000;
    for (const id of segIndex.keys()) {
      while (Date.now() < until) {
        const state = await queue.getJobState(id).catch(() => 'unknown');
        if (state !== 'active') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    for (const id of segIndex.keys()) await queue.remove(id).catch(() => {});
    await queue.remove(joinId, { removeChildren: true }).catch(() => {});
  };

  const onAbort = (): void => fail('ANELO_E030_CANCELLED', 'render cancelled');
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await events.waitUntilReady();
    if (o.signal.aborted) onAbort();
    else {
      const attempts = o.attempts ?? 2;
      await flows.add({
        name: 'join',
        queueName: QUEUE_NAME,
        data: plan.join,
        opts: { jobId: joinId, attempts },
        children: plan.segmentJobs.map((d) => ({ name: 'segment', queueName: QUEUE_NAME, data: d, opts: { jobId: segId(d.index), attempts, failParentOnFailure: true } })),
      });
      emit({ type: 'progress', done: 0, total });
    }
    const joined = await finished.catch(async (e: unknown) => {
      await cancelRest();
      throw e;
    });
    emit({ type: 'join-done', worker: joined.worker, ms: joined.ms });
    await queue.remove(joinId, { removeChildren: true }).catch(() => {});
    return mergeReports(plan.renderId, plan.frames, joined.segments, joined.outputs, {
      totalMs: Math.round(performance.now() - t0 + plan.planMs),
      startedAt: plan.startedAt,
      joinStartedAt: joined.startedAt,
      planMs: plan.planMs,
      joinMs: joined.ms,
      cuts: plan.cuts,
    });
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    await fs.rm(plan.segmentDir, { recursive: true, force: true }).catch(() => {});
    await events.close().catch(() => {});
    await flows.close().catch(() => {});
    await queue.close().catch(() => {});
    await connection.quit().catch(() => {});
    await eventsConnection.quit().catch(() => {});
  }
}
