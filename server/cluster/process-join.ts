/**
 * The flow's parent job: runs once every segment is done, joins each encode node's segments without re-encoding,
 * muxes the source's streams over the whole range, and removes the segment files.
 */
import { promises as fs } from 'node:fs';
import type { Job } from 'bullmq';
import { concatSegments } from '../media/concat-segments.ts';
import type { JoinJobData, JoinResult, SegmentResult } from './cluster-jobs.ts';
import { checkSharedPaths } from './check-shared-paths.ts';

export async function processJoin(job: Job<JoinJobData>, worker: string, signal: AbortSignal): Promise<JoinResult> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const d = job.data;
  await checkSharedPaths({ marker: d.check.marker }, worker);
  const values = await job.getChildrenValues<SegmentResult>();
  const segments = Object.values(values).sort((a, b) => a.index - b.index);
  const outputs: Record<string, string> = {};
  for (const t of d.targets) {
    const r = await concatSegments({ segments: t.segments, output: t.output, streamsFrom: t.streamsFrom, stereoMode: t.stereoMode, signal });
    outputs[t.nodeId] = r.path;
  }
  await fs.rm(d.segmentDir, { recursive: true, force: true });
  return { worker, ms: Math.round(performance.now() - t0), startedAt, outputs, segments };
}
