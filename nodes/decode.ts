/** decode: any file ffmpeg reads → RGB frames at a constant rate, rotation applied, optionally range-cut and scaled. */
import { Type } from '@sinclair/typebox';
import { AneloError } from './core/errors.ts';
import { defineNode, type FramesChunk, type ProbeResult, type VideoStopsDetails } from './core/types.ts';

const params = Type.Object({
  path: Type.String({ default: '', title: 'File', description: "Video to read; empty takes the run's input", ui: { widget: 'file' } }),
  start: Type.Integer({ default: 0, minimum: 0, title: 'Start frame', description: 'First frame to read (at the output rate)', ui: { widget: 'number' } }),
  end: Type.Integer({ default: 0, minimum: 0, title: 'End frame', description: 'Frame to stop before; 0 reads to the end', ui: { widget: 'number' } }),
  maxFps: Type.Number({ default: 0, minimum: 0, maximum: 240, title: 'Max fps', description: 'Resample down to this rate; 0 keeps the source rate', ui: { widget: 'number', advanced: true } }),
  maxHeight: Type.Integer({ default: 0, minimum: 0, maximum: 8640, title: 'Max height', description: 'Scale down to this height (aspect kept); 0 keeps the source size', ui: { widget: 'number' } }),
  deinterlace: Type.Boolean({
    default: true,
    title: 'Deinterlace',
    description: 'Sources that declare interlaced fields are deinterlaced (yadif); progressive sources are never touched. Off keeps the fields as they are',
    ui: { widget: 'toggle', advanced: true },
  }),
});

interface Geometry {
  probe: ProbeResult;
  fps: number;
  width: number;
  height: number;
  first: number;
  count: number;
}

/**
 * How to convert only the frames a video that stops early has: the clip's end there, so nothing reads past it (a
 * range alone does not do it: temporal nodes read frames after the range). `orLess` where only a bound is known.
 */
function endAdvice(nodeId: string, endsAt: number, orLess = false): string {
  return `set the End frame of node "${nodeId}" to ${endsAt}${orLess ? ' or less' : ''} (anelo run: --set ${nodeId}.end=${endsAt})`;
}

/** A read past where the video stops (E012 with VideoStopsDetails) gains the advice that converts what the file has. */
function withEndAdvice(e: unknown, nodeId: string): unknown {
  // Only the "no frame here" failure carries these details; a decoder that crashed does not.
  if (!(e instanceof AneloError) || e.code !== 'ANELO_E012_DECODE_FAILED' || !(e.details instanceof Object && 'videoEndsAt' in e.details) || e.where.frame === undefined) return e;
  const endsAt = (e.details as VideoStopsDetails).videoEndsAt;
  const advice = endsAt !== undefined ? endAdvice(nodeId, endsAt) : endAdvice(nodeId, e.where.frame, true);
  return new AneloError(e.code, `${e.message} To convert the frames it has, ${advice}.`, { ...e.where, nodeId }, e.details, e);
}

async function geometry(p: { path: string; start: number; end: number; maxFps: number; maxHeight: number }, media: { probe(path: string): Promise<ProbeResult> }, nodeId: string): Promise<Geometry> {
  if (!p.path) throw new AneloError('ANELO_E010_INPUT_MISSING', `node "${nodeId}": no input file (pass --input or set its "path" param)`, { nodeId, param: 'path' });
  const probe = await media.probe(p.path);
  const fps = p.maxFps > 0 && p.maxFps < probe.fps ? p.maxFps : probe.fps;
  const total = fps === probe.fps ? probe.frameCount : Math.max(1, Math.floor(probe.durationS * fps));
  let width = probe.displayWidth;
  let height = probe.displayHeight;
  if (p.maxHeight > 0 && p.maxHeight < height) {
    width = Math.max(2, Math.round((width * p.maxHeight) / height));
    height = p.maxHeight;
  }
  const last = p.end > 0 ? Math.min(p.end, total) : total;
  const count = last - p.start;
  if (count <= 0) {
    throw new AneloError('ANELO_E013_EMPTY_RANGE', `node "${nodeId}": frames ${p.start}:${p.end || total} select nothing of ${total} frames in ${probe.path}`, { nodeId, param: 'start', file: probe.path });
  }
  return { probe, fps, width, height, first: p.start, count };
}

export const decodeNode = defineNode({
  type: 'decode',
  version: 2,
  label: 'Decode video',
  category: 'input',
  description: 'Reads a video file into RGB frames at a constant frame rate, applying rotation metadata.',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'], label: 'Frames' }],
  params,
  // The source file holds these frames, and decoding them again costs about what reading them back does (either way
  // fresh memory for every frame), so only their digests go to disk: what follows is keyed by them in a later
  // process without decoding. Written too, a long render wrote its whole length of raw frames (6 MB a frame at 1080p,
  // a terabyte for a two-hour film) only for the disk budget to delete them.
  cache: 'digests',
  // Version 2 puts frame 0 where the video starts (audio first in many broadcast and camcorder files) and seeks in
  // files without an index from a keyframe before the frame (a preview of frame 30 of an MPEG-TS showed frame 50);
  // params are unchanged. Its chunks are cached anew; what follows it reuses its cache wherever the bytes are equal.
  migrations: [{ from: 1, migrate() {} }],
  files: { input: 'path' },
  // Path + size + mtime: a cheap identity that never hashes the whole video.
  identity: async (ctx) => (ctx.params.path ? ctx.services.media.fingerprint(ctx.params.path) : ''),
  async info(ctx) {
    const g = await geometry(ctx.params, ctx.services.media, ctx.nodeId);
    return {
      frames: {
        type: 'frames',
        width: g.width,
        height: g.height,
        fps: g.fps,
        frameCount: g.count,
        // Scaling keeps the stored aspect (maxHeight scales both sides alike), so the pixels keep their shape.
        sampleAspect: g.probe.sampleAspect,
        // ffmpeg converts to RGB with the matrix the stream declares; encode converts back with it.
        colour: g.probe.colour,
        // Frame 0 is the video's first frame, which may come after the file's start (audio first): decode seeks and
        // encode takes the audio from there.
        source: { path: g.probe.path, startTime: (g.probe.videoStartS ?? 0) + g.first / g.fps, audio: g.probe.audio },
      },
    };
  },
  async run(ctx) {
    const info = ctx.info.frames;
    const frames: Uint8Array[] = [];
    const reader = ctx.services.media.readFrames(ctx.params.path, {
      fps: info.fps,
      width: info.width,
      height: info.height,
      startTime: info.source!.startTime,
      startFrame: ctx.start,
      frameCount: ctx.end - ctx.start,
      signal: ctx.signal,
      deinterlace: ctx.params.deinterlace,
      // Damage ffmpeg concealed shows in the report as decode errors per frame instead of passing silently.
      onDecodeErrors: (n) => {
        ctx.stat('decodeErrors', n / Math.max(1, ctx.end - ctx.start), ctx.end - ctx.start);
        // A run reports a kind of warning once, so this names the first damaged frames; the node's figure ("decode
        // errors per frame") counts them over the whole range.
        if (n > 0) ctx.warn?.(`ffmpeg reported ${n} decode error(s) in frames ${ctx.start}..${ctx.end - 1} of ${ctx.params.path}, the first damaged frames found (the decode node's "decode errors per frame" figure counts them all): the file is damaged and frames may show artefacts`);
      },
      // One frame short is a probe's rounding; more is a video that stops early, shown frozen unless said.
      onShortEnd: (endsAt, repeated) => {
        if (repeated > 1)
          ctx.warn?.(
            `the video in ${ctx.params.path} stops at frame ${endsAt}, though its header says it goes on: frames ${endsAt}..${endsAt + repeated - 1} repeat frame ${endsAt - 1}. ` +
              `The file is probably cut short; ${endAdvice(ctx.nodeId, endsAt)} to leave them out.`,
          );
      },
    });
    try {
      for await (const f of reader) {
        frames.push(f);
        ctx.progress(frames.length);
      }
    } catch (e) {
      throw withEndAdvice(e, ctx.nodeId);
    }
    const chunk: FramesChunk = { type: 'frames', start: ctx.start, width: info.width, height: info.height, frames };
    return { frames: chunk };
  },
});
