/**
 * `anelo worker --preload <model>`: a worker is a long-lived service, so before it takes a job it does what a cold
 * process does in its first segment — starts the depth threads and loads the model's sessions, starts the pool
 * threads with the node code loaded and compiled — by rendering a few synthetic frames through the usual chain
 * (scene-detect, depth, optical-flow, temporal-smooth, stereo-warp). Measured on bikes-cuts with FastDepth and two
 * workers on two cores: a cold worker's first segment ran at 0.3–0.7 s a frame, a warm one's at about 0.1 s.
 */
import { Type } from '@sinclair/typebox';
import { AneloError, isAneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { defineNode, type AnyNodeDefinition } from '../../nodes/core/types.ts';
import type { Executor } from '../engine/executor.ts';

const SOURCE_TYPE = 'anelo-cluster-warm-up-frames';
const WIDTH = 160;
const HEIGHT = 96;
/** Two chunks and a cut between them: every node's per-chunk path and its cut path run. */
const FRAMES = 32;
const CUT = 20;

/**
 * A source of synthetic frames (a pattern moving two pixels a frame, a different one after the cut). It lives here,
 * not in nodes/, because no graph document may name it; only a worker's warm-up uses it.
 */
export const warmUpSource: AnyNodeDefinition = defineNode({
  type: SOURCE_TYPE,
  version: 1,
  label: 'Warm-up frames',
  category: 'input',
  description: 'Synthetic frames for a cluster worker warm-up.',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'], label: 'Frames' }],
  params: Type.Object({}),
  cache: 'none',
  async info() {
    return { frames: { type: 'frames', width: WIDTH, height: HEIGHT, fps: 25, frameCount: FRAMES } };
  },
  async run(ctx) {
    const frames: Uint8Array[] = [];
    for (let t = ctx.start; t < ctx.end; t++) {
      const f = new Uint8Array(WIDTH * HEIGHT * 3);
      const scene = t < CUT ? 1 : 7;
      for (let y = 0, i = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++, i += 3) {
          const v = ((x + 2 * t) * scene + y * 3) & 255;
          f[i] = v;
          f[i + 1] = (v * 3 + y) & 255;
          f[i + 2] = 255 - v;
        }
      }
      frames.push(f);
    }
    return { frames: { type: 'frames', start: ctx.start, width: WIDTH, height: HEIGHT, frames } };
  },
}) as unknown as AnyNodeDefinition;

function warmUpGraph(model: string): GraphDocument {
  const node = (id: string, type: string, params: Record<string, unknown> = {}): GraphDocument['nodes'][number] => ({ id, type, params, position: { x: 0, y: 0 } });
  const edge = (source: string, sourcePort: string, target: string, targetPort: string): GraphDocument['edges'][number] => ({ source, sourcePort, target, targetPort });
  return {
    schemaVersion: 1,
    nodes: [node('frames', SOURCE_TYPE), node('scenes', 'scene-detect'), node('depth', 'depth', { model }), node('flow', 'optical-flow'), node('smooth', 'temporal-smooth'), node('warp', 'stereo-warp')],
    edges: [
      edge('frames', 'frames', 'scenes', 'frames'),
      edge('frames', 'frames', 'depth', 'frames'),
      edge('frames', 'frames', 'flow', 'frames'),
      edge('depth', 'depth', 'flow', 'depth'),
      edge('depth', 'depth', 'smooth', 'depth'),
      edge('flow', 'motion', 'smooth', 'motion'),
      edge('scenes', 'cuts', 'smooth', 'cuts'),
      edge('frames', 'frames', 'warp', 'frames'),
      edge('smooth', 'depth', 'warp', 'depth'),
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
