/**
 * Pipeline overhead: frames/s of the whole default graph (cold, decode to encode) versus a bare session.run loop
 * with the same model and threads over pre-decoded, pre-resized frames. Also the depth stage alone, to split
 * "what the pipeline adds around inference" from "what the other nodes cost".
 */
import { readAllFrames } from '../../test/helpers/raw-frames.ts';
import { bareSessionFps } from '../lib/bare-session.ts';
import { coldClipRun } from '../lib/cold-clip-run.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, ratio, type CaseResult } from '../lib/figures.ts';
import { defaultGraph } from '../lib/graphs.ts';
import { freshExecutor, msPerFrame, runGraph } from '../lib/run-graph.ts';

/** Frames/s of the depth service alone (what the depth node calls) over frames decoded beforehand, chunks of 16. */
async function serviceOnlyFps(ctx: BenchContext, width: number, height: number, n: number): Promise<number> {
  const frames = await readAllFrames(ctx.media(ctx.sizes.clip), { width, height, maxFrames: n });
  const params = ctx.depthParams();
  let best = Infinity;
  for (let rep = 0; rep < 2; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < frames.length; i += 16) await ctx.services.depth.infer(params, frames.slice(i, i + 16), width, height);
    best = Math.min(best, performance.now() - t0);
  }
  return (frames.length * 1000) / best;
}

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
  ctx.log(`overhead: depth service on pre-decoded frames, then bare session.run over ${cold.frames} frames`);
  const serviceFps = await serviceOnlyFps(ctx, width, height, cold.frames);
  const bare = await bareSessionFps(ctx.model.model, ctx.media(ctx.sizes.clip), width, height, cold.frames, ctx.opts.threads);
  return {
    figures: [
      figure('graph fps (whole default graph, cold)', graphFps, { unit: 'fps', digits: 2 }),
      figure('bare session.run fps', bare.fps, { unit: 'fps', digits: 1 }),
      figure('graph fps / bare fps', ratio(graphFps, bare.fps), { target: { op: '>=', value: 0.85 } }),
      figure('depth stage fps / bare fps', ratio(depthFps, bare.fps), { note: 'depth node inside the full graph' }),
      figure('depth service fps / bare fps, pre-decoded frames', ratio(serviceFps, bare.fps), { note: 'no ffmpeg running: the service\'s own overhead' }),
      figure('decode→depth graph fps / bare fps', ratio(depthOnlyGraphFps, bare.fps), { note: 'no encoder; ffmpeg decode runs beside onnxruntime' }),
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
      serviceOnlyFps: serviceFps,
      depthOnly: { totalMs: depthOnly.totalMs, graphFps: depthOnlyGraphFps, depthStageFps: depthOnlyFps, msPerFrame: msPerFrame(depthOnly) },
      graphTotalMs: cold.report.totalMs,
      msPerFrame: msPerFrame(cold.report),
    },
    notes: [],
  };
}
