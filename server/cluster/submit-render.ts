/**
 * Submits a render as one BullMQ flow — the join job is the parent, one child per segment — while the planner is
 * still searching for cuts: the flow starts with the join and a gate child that no worker takes, each segment is
 * added as a child of the join as soon as the cuts around it are known (workers start on it at once), and the gate
 * is removed once the search is done, so the join waits for every segment and only those. Follows the flow through
 * queue events and returns the merged report once the join is done. A coded failure of any job fails the render
 * with that error; cancelling (or a failure) stops the search and the render's other jobs on every worker.
 */
import { promises as fs } from 'node:fs';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import { AneloError, toAneloError, type ErrorCode } from '../../nodes/core/errors.ts';
import { warningText } from '../../nodes/core/events.ts';
import { CANCEL_CHANNEL, GATE_QUEUE_NAME, QUEUE_NAME, cancelKey, decodeFailure, type JoinResult, type SegmentJobData, type SegmentProgress, type SegmentResult } from './cluster-jobs.ts';
import { bullConnection, parseRedisUrl } from './connect-redis.ts';
import { mergeReports, type ClusterReport } from './merge-reports.ts';
import type { PlannedSegments, RenderPlan } from './plan-render.ts';

/** What the planner shows while a render runs. */
export type ClusterEvent =
  | { type: 'progress'; done: number; total: number }
  | { type: 'segment-progress'; index: number; worker: string; done: number; total: number }
  | { type: 'segment-start'; index: number; start: number; end: number; worker: string }
  | { type: 'segment-done'; index: number; worker: string; ms: number }
  | { type: 'segment-stalled'; index: number }
  | { type: 'planned'; segments: number; cuts: number[]; ms: number }
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

/** Removes a job (and its children) once no worker holds it, trying until it is gone or `until` (epoch ms) passes. */
async function removeWhenFree(queue: Queue, id: string, until: number): Promise<void> {
  for (;;) {
    await queue.remove(id, { removeChildren: true }).catch(() => 0);
    const state = await queue.getJobState(id).catch(() => 'unknown');
    if (state === 'unknown' || Date.now() >= until) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function submitRender(o: SubmitOptions): Promise<ClusterReport> {
  const { plan } = o;
  const emit = o.onEvent ?? (() => {});
  const target = parseRedisUrl(o.redis);
  const connection = bullConnection(target);
  const queue = new Queue(QUEUE_NAME, { connection });
  const gates = new Queue(GATE_QUEUE_NAME, { connection });
  const eventsConnection = bullConnection(target);
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
  const flows = new FlowProducer({ connection });
  const joinId = `${plan.renderId}-join`;
  const gateId = `${plan.renderId}-gate`;
  const segId = (i: number): string => `${plan.renderId}-seg-${i}`;
  // Segments as they are added: job id → index, and frames done and length by index.
  const segIndex = new Map<string, number>();
  const segments: { start: number; end: number; done: number }[] = [];
  let planned: PlannedSegments | undefined;
  const active = new Set<string>();
  const total = plan.frames.end - plan.frames.start;
  const doneFrames = (): number => segments.reduce((n, s) => n + s.done, 0);
  const attempts = o.attempts ?? 2;

  let settle!: { resolve: (r: JoinResult) => void; reject: (e: AneloError) => void };
  const finished = new Promise<JoinResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  finished.catch(() => {});
  // Stops the cut search when the render fails or is cancelled.
  const planning = new AbortController();
  const fail = (code: ErrorCode, message: string, where: ConstructorParameters<typeof AneloError>[2] = {}, details?: unknown): void => {
    planning.abort();
    settle.reject(new AneloError(code, message, where, details));
  };

  events.on('progress', ({ jobId, data }) => {
    const i = segIndex.get(jobId);
    if (i === undefined) return;
    const p = parse<SegmentProgress>(data);
    if (!active.has(jobId)) {
      active.add(jobId);
      emit({ type: 'segment-start', index: i, start: segments[i].start, end: segments[i].end, worker: p.worker });
    }
    segments[i].done = p.done;
    emit({ type: 'segment-progress', index: i, worker: p.worker, done: p.done, total: p.total });
    emit({ type: 'progress', done: doneFrames(), total });
  });
  events.on('stalled', ({ jobId }) => {
    const i = segIndex.get(jobId);
    if (i === undefined) return;
    active.delete(jobId);
    segments[i].done = 0;
    emit({ type: 'segment-stalled', index: i });
  });
  const joinStartsWhenDone = (): void => {
    if (planned && doneFrames() === total) emit({ type: 'join-start' });
  };
  events.on('completed', ({ jobId, returnvalue }) => {
    const i = segIndex.get(jobId);
    if (i !== undefined) {
      active.delete(jobId);
      const r = parse<SegmentResult>(returnvalue);
      segments[i].done = segments[i].end - segments[i].start;
      emit({ type: 'segment-done', index: i, worker: r.worker, ms: r.ms });
      joinStartsWhenDone();
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
    // Waiting segments go at once; running ones stop on the cancel message and fail as cancelled. A job a worker
    // holds cannot be removed: a running segment until its worker has stopped it (a loaded machine can take seconds
    // to kill ffmpeg and a pool thread), and the join while a worker takes it to fail it (a segment failing moves the
    // join to the queue with its failure deferred, and a worker picks it up to record it). So each is removed again
    // until it is gone.
    const until = Date.now() + 30_000;
    for (const id of segIndex.keys()) await removeWhenFree(queue, id, until);
    await removeWhenFree(queue, joinId, until);
    await removeWhenFree(gates, gateId, until);
  };

  /** Adds a segment as a child of the join: a worker may take it at once. */
  const addSegment = async (d: SegmentJobData): Promise<void> => {
    if (planning.signal.aborted) return;
    segIndex.set(segId(d.index), d.index);
    segments[d.index] = { start: d.start, end: d.end, done: 0 };
    await queue.add('segment', d, { jobId: segId(d.index), attempts, failParentOnFailure: true, parent: { id: joinId, queue: queue.qualifiedName } });
  };

  const onAbort = (): void => fail('ANELO_E030_CANCELLED', 'render cancelled');
  o.signal.addEventListener('abort', onAbort, { once: true });
  // The search, started once the flow exists; settles (never rejects) so a failure is handled in one place.
  let search: Promise<void> = Promise.resolve();
  try {
    await events.waitUntilReady();
    if (o.signal.aborted) onAbort();
    else {
      await flows.add({
        name: 'join',
        queueName: QUEUE_NAME,
        data: plan.join([]),
        opts: { jobId: joinId, attempts },
        children: [{ name: 'gate', queueName: GATE_QUEUE_NAME, data: { renderId: plan.renderId }, opts: { jobId: gateId } }],
      });
      emit({ type: 'progress', done: 0, total });
      search = plan
        .findSegments(addSegment, planning.signal)
        .then(async (p) => {
          if (planning.signal.aborted) return;
          // The join's data names every segment file; then the gate goes and the join waits for the segments only.
          await (await Job.fromId(queue, joinId))?.updateData(plan.join(p.segments));
          planned = p;
          const gate = await Job.fromId(gates, gateId);
          if (!gate || !(await gate.removeChildDependency())) throw new Error(`the planning gate of render ${plan.renderId} is gone`);
          await gates.remove(gateId).catch(() => {});
          emit({ type: 'planned', segments: p.segments.length, cuts: p.cuts, ms: p.planMs });
          joinStartsWhenDone();
        })
        // A failed search (or hand-over, or release of the gate) fails the render; after a failure it was stopped.
        .catch((e: unknown) => {
          if (planning.signal.aborted) return;
          const err = toAneloError(e);
          fail(err.code, err.message, err.where, err.details);
        });
    }
    const joined = await finished.catch(async (e: unknown) => {
      await search;
      await cancelRest();
      throw e;
    });
    await search;
    emit({ type: 'join-done', worker: joined.worker, ms: joined.ms });
    await queue.remove(joinId, { removeChildren: true }).catch(() => {});
    return mergeReports(plan.renderId, plan.frames, joined.segments, joined.outputs, {
      totalMs: Date.now() - plan.startedAt,
      startedAt: plan.startedAt,
      joinStartedAt: joined.startedAt,
      planMs: planned!.planMs,
      joinMs: joined.ms,
      cuts: planned!.cuts,
      warnings: plan.warnings.map(warningText),
    });
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    planning.abort();
    await search;
    await fs.rm(plan.segmentDir, { recursive: true, force: true }).catch(() => {});
    await events.close().catch(() => {});
    await flows.close().catch(() => {});
    await queue.close().catch(() => {});
    await gates.close().catch(() => {});
    await connection.quit().catch(() => {});
    await eventsConnection.quit().catch(() => {});
  }
}
