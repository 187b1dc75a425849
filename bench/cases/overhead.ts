/**
 * Pipeline overhead: frames/s of the whole default graph (cold, decode to encode) versus a bare session.run loop
 * with the same model and threads over pre-decoded, pre-resized frames. Also the depth stage alone, to split
 * "what the pipeline adds around inference" from "what the other nodes cost".
 */
import { bareSessionFps } from '../lib/bare-session.ts';
import { coldClipRun } from '../lib/cold-clip-run.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, ratio, type CaseResult } from '../lib/figures.ts';
import { defaultGraph } from '../lib/graphs.ts';
import { freshExecutor, msPerFrame, runGraph } from '../lib/run-graph.ts';

export async function overheadCase(ctx: BenchContext): Promise<CaseResult> {
  const cold = await coldClipRun(ctx);
  const graphFps = (cold.frames * 1000) / cold.report.totalMs;
  const depth = cold.report.nodes.depth;
  const depthFps = depth && depth.ms > 0 ? (depth.computedFrames * 1000) / depth.ms : NaN;
  const info = await cold.executor.info(defaultGraph(cold.overrides));
  const { width, height } = info.decode.frames;
  // decode → depth alone: no encoder (x264 threads) or other node competing with onnxruntime for the cores.
  ctx.log('overhead: decode → depth only');
  const depthOnly = await runGraph(ctx, freshExecutor(ctx, { disk: false }), defaultGraph(cold.overrides), { targets: ['depth'] });
  const d2 = depthOnly.nodes.depth;
  const depthOnlyFps = d2 && d2.ms > 0 ? (d2.computedFrames * 1000) / d2.ms : NaN;
  const depthOnlyGraphFps = (cold.frames * 1000) / depthOnly.totalMs;
  ctx.log(`overhead: bare session.run over ${cold.frames} frames`);
  const bare = await bareSessionFps(ctx.model.model, ctx.media(ctx.sizes.clip), width, height, cold.frames, ctx.opts.threads);
  return {
    figures: [
      figure('graph fps (whole default graph, cold)', graphFps, { unit: 'fps', digits: 2 }),
      figure('bare session.run fps', bare.fps, { unit: 'fps', digits: 1 }),
      figure('graph fps / bare fps', ratio(graphFps, bare.fps), { target: { op: '>=', value: 0.85 } }),
      figure('depth stage fps / bare fps', ratio(depthFps, bare.fps), { note: 'depth node inside the full graph' }),
      figure('decode→depth graph fps / bare fps', ratio(depthOnlyGraphFps, bare.fps), { note: 'nothing else running' }),
      figure('depth stage fps / bare fps, decode→depth only', ratio(depthOnlyFps, bare.fps), { note: 'resize, normalise, run, float16, stats' }),
    ],
    details: {
      clip: ctx.sizes.clip,
      frames: cold.frames,
      frameSize: `${width}x${height}`,
      model: ctx.model.description,
      threads: ctx.opts.threads,
      bare,
      depthStageFps: depthFps,
      depthOnly: { totalMs: depthOnly.totalMs, graphFps: depthOnlyGraphFps, depthStageFps: depthOnlyFps, msPerFrame: msPerFrame(depthOnly) },
      graphTotalMs: cold.report.totalMs,
      msPerFrame: msPerFrame(cold.report),
    },
    notes: [],
  };
}
