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
  // decode → encode at the clip's full size: the streaming path alone, with nothing but video in memory.
  const transcode = async (frames: number) => {
    const graph = {
      schemaVersion: 1,
      nodes: [
        { id: 'decode', type: 'decode', params: { path: ctx.media(m.clip), end: frames }, position: { x: 0, y: 0 } },
        { id: 'encode', type: 'encode', params: { preset: 'ultrafast' }, position: { x: 300, y: 0 } },
      ],
      edges: [{ source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' }],
    };
    ctx.log(`memory: decode → encode, ${frames} frames of ${m.clip} at full size in a fresh process`);
    return runInChild({ graph, outputs: { encode: path.join(ctx.newDir('mem'), 'out.mp4') }, cacheDir: null });
  };
  const short = await run(m.shortFrames);
  const long = await run(m.longFrames);
  const shortCopy = await transcode(m.shortFrames);
  const longCopy = await transcode(m.longFrames);
  const fps = 24;
  return {
    figures: [
      figure(`peak RSS ${m.shortFrames / fps} s`, short.maxRssMB, { unit: 'MB', digits: 0 }),
      figure(`peak RSS ${m.longFrames / fps} s`, long.maxRssMB, { unit: 'MB', digits: 0 }),
      figure('peak RSS 60 s / 10 s', ratio(long.maxRssMB, short.maxRssMB), { target: { op: '<=', value: 1.2 } }),
      figure(`decode → encode peak RSS ${m.shortFrames / fps} s (full size)`, shortCopy.maxRssMB, { unit: 'MB', digits: 0 }),
      figure(`decode → encode peak RSS ${m.longFrames / fps} s (full size)`, longCopy.maxRssMB, { unit: 'MB', digits: 0 }),
      figure('decode → encode peak RSS 60 s / 10 s', ratio(longCopy.maxRssMB, shortCopy.maxRssMB), { target: { op: '<=', value: 1.2 } }),
    ],
    details: {
      clip: m.clip,
      maxHeight: m.maxHeight || 'source',
      cache: 'memory tier only (default budget), no disk tier',
      model: ctx.model.description,
      short: { frames: m.shortFrames, maxRssMB: short.maxRssMB, ms: short.ms, msPerFrame: msPerFrame(short.report) },
      long: { frames: m.longFrames, maxRssMB: long.maxRssMB, ms: long.ms, msPerFrame: msPerFrame(long.report) },
      transcode: { shortMaxRssMB: shortCopy.maxRssMB, longMaxRssMB: longCopy.maxRssMB, shortMs: shortCopy.ms, longMs: longCopy.ms },
    },
    notes: m.maxHeight ? [`--quick: decode scales bbb down to ${m.maxHeight} px high, to fit the time budget; the 10 s vs 60 s comparison is kept.`] : [],
  };
}
