/**
 * Memory scaling: peak RSS of a fresh process running the default graph over 10 s and over 60 s of
 * bbb-60s-640x360.mp4 (bench/child-run.ts). Streaming in chunks should keep the ratio near 1.
 */
import path from 'node:path';
import { runInChild } from '../child-run.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, ratio, type CaseResult } from '../lib/figures.ts';
import { defaultGraphJson } from '../lib/graphs.ts';
import { msPerFrame } from '../lib/run-graph.ts';

export async function memoryCase(ctx: BenchContext): Promise<CaseResult> {
  const m = ctx.sizes.memory;
  const run = async (frames: number) => {
    const graph = defaultGraphJson({ decode: { path: ctx.media(m.clip), end: frames, maxHeight: m.maxHeight }, depth: ctx.depthParams() });
    ctx.log(`memory: ${frames} frames of ${m.clip}${m.maxHeight ? ` at maxHeight ${m.maxHeight}` : ''} in a fresh process`);
    const out = path.join(ctx.newDir('mem'), 'out.mp4');
    return runInChild({ graph, outputs: { encode: out }, cacheDir: null });
  };
  const short = await run(m.shortFrames);
  const long = await run(m.longFrames);
  const fps = 24;
  return {
    figures: [
      figure(`peak RSS ${m.shortFrames / fps} s`, short.maxRssMB, { unit: 'MB', digits: 0 }),
      figure(`peak RSS ${m.longFrames / fps} s`, long.maxRssMB, { unit: 'MB', digits: 0 }),
      figure('peak RSS 60 s / 10 s', ratio(long.maxRssMB, short.maxRssMB), { target: { op: '<=', value: 1.2 } }),
    ],
    details: {
      clip: m.clip,
      maxHeight: m.maxHeight || 'source',
      cache: 'memory tier only (default budget), no disk tier',
      model: ctx.model.description,
      short: { frames: m.shortFrames, maxRssMB: short.maxRssMB, ms: short.ms, msPerFrame: msPerFrame(short.report) },
      long: { frames: m.longFrames, maxRssMB: long.maxRssMB, ms: long.ms, msPerFrame: msPerFrame(long.report) },
    },
    notes: m.maxHeight ? [`--quick: decode scales bbb down to ${m.maxHeight} px high, to fit the time budget; the 10 s vs 60 s comparison is kept.`] : [],
  };
}
