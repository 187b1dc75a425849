/**
 * Per-node cost: ms per computed frame of each node of the default graph (cold), at the clip's resolution and on
 * a 1080p version of the same clip made with the bundled ffmpeg (stretched to 1920x1080).
 */
import path from 'node:path';
import { coldClipRun } from '../lib/cold-clip-run.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, type CaseResult } from '../lib/figures.ts';
import { makeScaledClip } from '../lib/ffmpeg-tools.ts';
import { defaultGraph } from '../lib/graphs.ts';
import { freshExecutor, msPerFrame, nodeSummary, runGraph } from '../lib/run-graph.ts';

const SHOWN = ['decode', 'depth', 'smooth', 'refine', 'warp', 'encode'];

export async function perNodeCase(ctx: BenchContext): Promise<CaseResult> {
  const cold = await coldClipRun(ctx);
  const info = await cold.executor.info(defaultGraph(cold.overrides));
  const clipSize = `${info.decode.frames.width}x${info.decode.frames.height}`;

  const hdClip = path.join(ctx.newDir('hd'), 'clip-1080p.mp4');
  ctx.log(`per-node: making a 1080p clip (${ctx.sizes.hdFrames} frames)`);
  await makeScaledClip(ctx.media(ctx.sizes.clip), hdClip, 1920, 1080, ctx.sizes.hdFrames);
  ctx.log('per-node: cold run at 1080p');
  const hd = await runGraph(ctx, freshExecutor(ctx), defaultGraph({ decode: { path: hdClip }, depth: ctx.depthParams() }));

  const low = msPerFrame(cold.report);
  const high = msPerFrame(hd);
  const figures = [];
  for (const id of SHOWN) {
    figures.push(figure(`${id} ms/frame @ ${clipSize}`, low[id] ?? null, { unit: 'ms', digits: 1 }));
    figures.push(figure(`${id} ms/frame @ 1920x1080`, high[id] ?? null, { unit: 'ms', digits: 1 }));
  }
  return {
    figures,
    details: {
      model: ctx.model.description,
      clip: { file: ctx.sizes.clip, size: clipSize, frames: cold.frames, msPerFrame: low, nodes: nodeSummary(cold.report), totalMs: cold.report.totalMs },
      hd: { file: `${ctx.sizes.clip} scaled to 1920x1080`, frames: hd.frames.end - hd.frames.start, msPerFrame: high, nodes: nodeSummary(hd), totalMs: hd.totalMs },
    },
    notes: ['ms = the node\'s own compute time (report.nodes[*].ms / computedFrames); encode excludes time waiting for upstream.'],
  };
}
