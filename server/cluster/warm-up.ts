/**
 * `anelo worker --preload <model>`: a worker is a long-lived service, so before it takes a job it does what a cold
 * process does in its first segment — starts the depth threads and loads the model's sessions, starts the pool
 * threads with the node code loaded and compiled — by rendering a few synthetic frames through the default graph's
 * chain (scene-detect, depth, optical-flow, temporal-smooth, edge-refine, stereo-warp). Measured on bikes-cuts with
 * FastDepth and two workers on two cores: a cold worker's first segment ran at 0.3–0.7 s a frame, a warm one's at
 * about 0.1 s.
 */
import { AneloError, isAneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { Executor } from '../engine/executor.ts';
import { warmUpSource } from '../engine/warm-up-pool.ts';

export { warmUpSource };

function warmUpGraph(model: string): GraphDocument {
  const node = (id: string, type: string, params: Record<string, unknown> = {}): GraphDocument['nodes'][number] => ({ id, type, params, position: { x: 0, y: 0 } });
  const edge = (source: string, sourcePort: string, target: string, targetPort: string): GraphDocument['edges'][number] => ({ source, sourcePort, target, targetPort });
  return {
    schemaVersion: 1,
    nodes: [
      node('frames', warmUpSource.type),
      node('scenes', 'scene-detect'),
      node('depth', 'depth', { model }),
      node('flow', 'optical-flow'),
      node('smooth', 'temporal-smooth'),
      node('refine', 'edge-refine'),
      node('warp', 'stereo-warp'),
    ],
    edges: [
      edge('frames', 'frames', 'scenes', 'frames'),
      edge('frames', 'frames', 'depth', 'frames'),
      edge('frames', 'frames', 'flow', 'frames'),
      edge('depth', 'depth', 'flow', 'depth'),
      edge('depth', 'depth', 'smooth', 'depth'),
      edge('flow', 'motion', 'smooth', 'motion'),
      edge('scenes', 'cuts', 'smooth', 'cuts'),
      edge('frames', 'frames', 'refine', 'frames'),
      edge('smooth', 'depth', 'refine', 'depth'),
      edge('frames', 'frames', 'warp', 'frames'),
      edge('refine', 'depth', 'warp', 'depth'),
    ],
  } as GraphDocument;
}

/**
 * Renders the synthetic frames once per model through `executor` (whose definitions must include `warmUpSource`);
 * a model that cannot be loaded fails here, naming the option, before the worker takes any job.
 */
export async function warmUp(executor: Executor, models: readonly string[]): Promise<{ ms: number }> {
  const t0 = performance.now();
  for (const model of models) {
    try {
      await executor.run(warmUpGraph(model), { runId: `warm-up-${model}`, targets: ['warp'] });
    } catch (e) {
      if (!isAneloError(e)) throw e;
      // The warm-up graph's node ids mean nothing to the user: the option is where the fault is.
      throw new AneloError(e.code, `--preload ${model}: ${e.message}`, { param: 'preload', file: e.where.file }, e.details, e);
    }
  }
  return { ms: Math.round(performance.now() - t0) };
}
