/**
 * The cold run of the default graph on the bench clip (empty disk cache, session warmed first), shared by the
 * retune, overhead and per-node cases. Retune continues on the same executor, so its cache is the one this filled.
 */
import type { RunReport } from '../../nodes/core/events.ts';
import type { Executor } from '../../server/engine/executor.ts';
import type { BenchContext } from './context.ts';
import { defaultGraph, type Overrides } from './graphs.ts';
import { freshExecutor, runGraph, warmDepth } from './run-graph.ts';

export interface ColdClipRun {
  executor: Executor;
  overrides: Overrides;
  report: RunReport;
  frames: number;
}

export function coldClipRun(ctx: BenchContext): Promise<ColdClipRun> {
  return ctx.memo('cold-clip-run', async () => {
    const overrides = ctx.clipOverrides();
    await warmDepth(ctx, ctx.depthParams());
    const executor = freshExecutor(ctx);
    ctx.log(`cold run of the default graph on ${ctx.sizes.clip} (${ctx.sizes.clipFrames || 'all'} frames, ${ctx.model.label})`);
    const report = await runGraph(ctx, executor, defaultGraph(overrides));
    return { executor, overrides, report, frames: report.frames.end - report.frames.start };
  });
}
