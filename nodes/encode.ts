/**
 * encode: writes frames (or a depth stream, as grayscale) to H.264/H.265 with the source's audio. The file appears
 * at its path only when complete (temp file + rename), and carries stereo metadata where the container has it.
 */
import { Type } from '@sinclair/typebox';
import { AneloError, toAneloError } from './core/errors.ts';
import { defineNode, type Chunk, type DepthChunk, type DepthScale } from './core/types.ts';
import { unitDepth } from './lib/depth-normalise.ts';
import { depthStats } from './lib/depth-stats.ts';

const params = Type.Object({
  path: Type.String({ default: '', title: 'Output file', description: "Where to write; empty takes the run's output", ui: { widget: 'file' } }),
  codec: Type.Union([Type.Literal('h264'), Type.Literal('h265')], { default: 'h264', title: 'Codec', ui: { widget: 'select' } }),
  crf: Type.Integer({ default: 18, minimum: 0, maximum: 51, title: 'Quality (CRF)', description: 'Lower is better and larger; 18 is visually lossless for H.264', ui: { widget: 'slider', step: 1 } }),
  preset: Type.Union(
    ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'].map((p) => Type.Literal(p)),
    { default: 'medium', title: 'Preset', description: 'Encoder speed vs size', ui: { widget: 'select' } },
  ),
  evenSize: Type.Union([Type.Literal('pad'), Type.Literal('crop')], {
    default: 'pad',
    title: 'Odd sizes',
    description: 'yuv420p needs even sides: pad adds one black row/column, crop drops one',
    ui: { widget: 'select', advanced: true },
  }),
  audio: Type.Boolean({ default: true, title: 'Keep audio', description: "Copy the source's audio (re-encoded to AAC only when the container needs it)", ui: { widget: 'toggle' } }),
});

/** Depth as grayscale RGB, near = white: normalised depth as it is, raw depth by each frame's robust range. */
function depthToRgb(chunk: DepthChunk, i: number, scale: DepthScale | undefined): Uint8Array {
  const d = unitDepth(chunk.frames[i], chunk.stats[i] ?? depthStats(chunk.frames[i]), scale);
  const out = new Uint8Array(d.length * 3);
  for (let p = 0, o = 0; p < d.length; p++, o += 3) {
    const v = Math.round(d[p] * 255);
    const g = v < 0 ? 0 : v > 255 ? 255 : v;
    out[o] = out[o + 1] = out[o + 2] = g;
  }
  return out;
}

function framesOf(chunk: Chunk, scale: DepthScale | undefined): Uint8Array[] {
  if (chunk.type === 'frames') return chunk.frames;
  if (chunk.type === 'depth') return chunk.frames.map((_, i) => depthToRgb(chunk, i, scale));
  throw new Error('encode takes frames or depth, not cuts');
}

export const encodeNode = defineNode({
  type: 'encode',
  version: 1,
  label: 'Encode video',
  category: 'output',
  description: 'Writes H.264 or H.265 (yuv420p) with the source audio; stereo layouts get container metadata.',
  inputs: [{ name: 'video', types: ['frames', 'depth'], label: 'Video' }],
  outputs: [],
  params,
  cache: 'none',
  files: { output: 'path' },
  async info() {
    return {};
  },
  async sink(ctx) {
    const info = ctx.inputInfo.video;
    if (!info) throw new AneloError('ANELO_E001_GRAPH_INVALID', `node "${ctx.nodeId}": input "video" is not connected`, { nodeId: ctx.nodeId, port: 'video' });
    const n = ctx.frames.end - ctx.frames.start;
    const src = info.source;
    const sink = await ctx.services.media.openEncoder({
      output: ctx.outputPath,
      width: info.width,
      height: info.height,
      fps: info.fps,
      codec: ctx.params.codec,
      crf: ctx.params.crf,
      preset: ctx.params.preset,
      evenSize: ctx.params.evenSize,
      stereoLayout: info.type === 'frames' ? info.layout : undefined,
      sampleAspect: info.sampleAspect,
      colour: info.type === 'frames' ? info.colour : undefined,
      audioFrom:
        ctx.params.audio && src && src.audio.length > 0
          ? { path: src.path, startTime: src.startTime + ctx.frames.start / info.fps, durationS: n / info.fps }
          : undefined,
      signal: ctx.signal,
      // Progress is what ffmpeg says it has encoded, not what was handed to it: x264 buffers dozens of frames.
      onProgress: (p) => ctx.progress(Math.min(p.frame, n), n),
    });
    try {
      for await (const chunk of ctx.pull('video')) {
        for (const frame of framesOf(chunk, info.depthScale)) {
          await sink.write(frame);
        }
      }
      return await sink.finish();
    } catch (e) {
      await sink.abort();
      throw toAneloError(e, { nodeId: ctx.nodeId, file: ctx.outputPath });
    }
  },
});
