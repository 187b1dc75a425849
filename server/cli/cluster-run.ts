/** `anelo run … --cluster redis://host:port`: plans here, renders segments on `anelo worker` processes, joins them. */
import { AneloError } from '../../nodes/core/errors.ts';
import { warningText } from '../../nodes/core/events.ts';
import { ChunkCache } from '../engine/chunk-cache.ts';
import { parseGraph } from '../engine/load-graph.ts';
import { writeFileAtomic } from '../fs/write-file-atomic.ts';
import { createServices } from '../services.ts';
import { createClusterProgressView } from '../cluster/cluster-progress-view.ts';
import { checkRedis, parseRedisUrl } from '../cluster/connect-redis.ts';
import type { ClusterReport } from '../cluster/merge-reports.ts';
import { planRender } from '../cluster/plan-render.ts';
import { DEFAULT_SEGMENT_RULES } from '../cluster/plan-segments.ts';
import { submitRender } from '../cluster/submit-render.ts';
import { checkRunPaths } from './check-run-paths.ts';
import { applyOverrides, parseSet } from './parse-set.ts';
import { bindFiles, parseFrames, readGraphFile, type RunArgs } from './run-command.ts';

export interface ClusterRunArgs extends RunArgs {
  cluster: string;
  /** Longest segment in frames. */
  segmentFrames?: number;
  /** Shortest scene kept as its own segment. */
  minSegmentFrames?: number;
}

function positiveInt(v: number | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) throw new AneloError('ANELO_E050_BAD_ARGUMENT', `${name} must be a whole number of frames ≥ 1`, {});
  return v;
}

export async function clusterRunCommand(a: ClusterRunArgs): Promise<ClusterReport> {
  const rules = {
    maxFrames: positiveInt(a.segmentFrames, '--segment-frames', DEFAULT_SEGMENT_RULES.maxFrames),
    minFrames: positiveInt(a.minSegmentFrames, '--min-segment-frames', DEFAULT_SEGMENT_RULES.minFrames),
  };
  // Redis first: when it is unreachable nothing is planned, created or written.
  await checkRedis(parseRedisUrl(a.cluster));
  const overridden = applyOverrides(parseGraph(await readGraphFile(a.graph), a.graph), a.set.map(parseSet));
  const { graph, outputs } = bindFiles(parseGraph(JSON.stringify(overridden), a.graph), a.input, a.output, a.graph);
  // The same refusals as a local run: no output over a source or a non-regular file.
  await checkRunPaths({ graphFile: a.graph, graph, outputs, report: a.report, cacheDir: a.cacheDir });
  const services = await createServices();
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const cache = new ChunkCache({ diskDir: a.cacheDir, oneRun: true, onWarning: (w) => process.stderr.write(`warning: ${w.message}: ${w.file}\n`) });
    const plan = await planRender({ graph, outputs, frames: a.frames ? parseFrames(a.frames) : undefined, rules, services, cache, signal: controller.signal, workers: 0 });
    if (!a.quiet) process.stderr.write(`cluster render ${plan.renderId}: frames ${plan.frames.start}:${plan.frames.end}, segments start as their cuts are found\n`);
    // As the local progress view does; the summary lists them again either way.
    if (!a.quiet) for (const w of plan.warnings) process.stderr.write(`warning ${warningText(w)}\n`);
    const report = await submitRender({ redis: a.cluster, plan, signal: controller.signal, onEvent: a.quiet ? undefined : createClusterProgressView(process.stderr) });
    if (a.report) await writeFileAtomic(a.report, JSON.stringify(report, null, 2));
    return report;
  } catch (e) {
    if (controller.signal.aborted) throw new AneloError('ANELO_E030_CANCELLED', 'render cancelled');
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await services.close();
  }
}
