/**
 * Retune: the default graph run cold, then again after changing smooth.strength, then after changing
 * warp.divergence (same executor, same disk cache). Depth must compute nothing in either retune.
 */
import { coldClipRun } from '../lib/cold-clip-run.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, ratio, type CaseResult } from '../lib/figures.ts';
import { defaultGraph, mergeOverrides } from '../lib/graphs.ts';
import { msPerFrame, nodeSummary, runGraph } from '../lib/run-graph.ts';

export async function retuneCase(ctx: BenchContext): Promise<CaseResult> {
  const cold = await coldClipRun(ctx);
  const strength = mergeOverrides(cold.overrides, { smooth: { strength: 0.4 } });
  ctx.log('retune: smooth.strength 0.7 → 0.4');
  const afterSmooth = await runGraph(ctx, cold.executor, defaultGraph(strength));
  // Cumulative, as an editor session goes: the warp change lands on the smoothed state just computed.
  const divergence = mergeOverrides(strength, { warp: { divergence: 3 } });
  ctx.log('retune: warp.divergence 2 → 3');
  const afterWarp = await runGraph(ctx, cold.executor, defaultGraph(divergence));

  const coldMs = cold.report.totalMs;
  // What a perfect cache would still pay: the cold compute time of the changed node and everything after it.
  const nodeMs = (ids: string[]) => ids.reduce((sum, id) => sum + (cold.report.nodes[id]?.ms ?? 0), 0);
  const allMs = nodeMs(Object.keys(cold.report.nodes));
  const floorSmooth = ratio(nodeMs(['smooth', 'refine', 'warp', 'encode']), allMs);
  const floorWarp = ratio(nodeMs(['warp', 'encode']), allMs);
  return {
    figures: [
      figure('cold run', coldMs, { unit: 'ms', digits: 0, note: `${cold.frames} frames` }),
      figure('retune smooth.strength / cold', ratio(afterSmooth.totalMs, coldMs), { target: { op: '<=', value: 0.1 } }),
      figure('floor (smooth change): cold share of smooth+refine+warp+encode', floorSmooth, { note: 'what a perfect cache still recomputes' }),
      figure('retune warp.divergence / cold', ratio(afterWarp.totalMs, coldMs), { target: { op: '<=', value: 0.1 } }),
      figure('floor (warp change): cold share of warp+encode', floorWarp),
      figure('frames recomputed upstream of warp in the warp retune', (afterWarp.nodes.smooth?.computedFrames ?? 0) + (afterWarp.nodes.refine?.computedFrames ?? 0), {
        digits: 0,
        note: 'smooth + refine chunks evicted from the memory tier',
      }),
      figure('depth frames computed in retune (smooth)', afterSmooth.nodes.depth?.computedFrames ?? null, { digits: 0, target: { op: '==', value: 0 } }),
      figure('depth frames computed in retune (warp)', afterWarp.nodes.depth?.computedFrames ?? null, { digits: 0, target: { op: '==', value: 0 } }),
    ],
    details: {
      clip: ctx.sizes.clip,
      frames: cold.frames,
      model: ctx.model.description,
      floors: { smooth: floorSmooth, warp: floorWarp },
      cold: { totalMs: coldMs, msPerFrame: msPerFrame(cold.report), nodes: nodeSummary(cold.report) },
      retuneSmooth: { totalMs: afterSmooth.totalMs, msPerFrame: msPerFrame(afterSmooth), nodes: nodeSummary(afterSmooth) },
      retuneWarp: { totalMs: afterWarp.totalMs, msPerFrame: msPerFrame(afterWarp), nodes: nodeSummary(afterWarp) },
    },
    notes: ['Cold = empty cache, with the depth session already loaded (model load is a one-off per process).'],
  };
}
