/** A worker's segment job: renders frames [start, end) of the graph with the same executor as a local run. */
import type { Job } from 'bullmq';
import type { Executor } from '../engine/executor.ts';
import type { SegmentJobData, SegmentProgress, SegmentResult } from './cluster-jobs.ts';
import { checkSharedPaths } from './check-shared-paths.ts';
import { reportAsDetectors, withKnownCuts } from './known-cuts.ts';

/** Progress is sent at most this often: each update is a Redis round trip and an event for the planner. */
const PROGRESS_EVERY_MS = 250;

export async function processSegment(job: Job<SegmentJobData>, executor: Executor, worker: string, signal: AbortSignal): Promise<SegmentResult> {
  const d = job.data;
  const t0 = performance.now();
  const startedAt = Date.now();
  const cpu0 = process.cpuUsage();
  let firstFrameMs = -1;
  await checkSharedPaths(d.check, worker);
  const sinks = new Set(Object.keys(d.outputs));
  const total = d.end - d.start;
  let last = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const send = (done: number): void => {
    const p: SegmentProgress = { worker, done, total };
    pending = pending.then(() => job.updateProgress(p as unknown as object)).catch(() => {});
  };
  send(0);
  const graph = d.cutFlags ? withKnownCuts(d.graph, d.cutFlags) : d.graph;
  const run = await executor.run(graph, {
    runId: `${d.renderId}-segment-${d.index}`,
    frames: { start: d.start, end: d.end },
    outputs: d.outputs,
    // Only what [start, end) reaches through the windows, stopped at the planner's cuts: no whole chunks or
    // windows across a cut at the segment's edges (the frames written are the same).
    segment: { cuts: d.cuts },
    signal,
    onEvent: (e) => {
      if (e.type !== 'node-progress' || !sinks.has(e.nodeId)) return;
      const now = performance.now();
      if (firstFrameMs < 0 && e.done > 0) firstFrameMs = Math.round(now - t0);
      if (now - last < PROGRESS_EVERY_MS && e.done < e.total) return;
      last = now;
      send(e.done);
    },
  });
  const report = reportAsDetectors(run);
  send(total);
  await pending;
  const cpu = process.cpuUsage(cpu0);
  return { index: d.index, start: d.start, end: d.end, worker, ms: Math.round(performance.now() - t0), startedAt, endedAt: Date.now(), firstFrameMs, cpuMs: Math.round((cpu.user + cpu.system) / 1000), report };
}
