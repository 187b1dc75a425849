import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { FramesChunk } from '../../../nodes/core/types.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { Executor } from '../../../server/engine/executor.ts';
import { ffmpegPath, ffprobePath } from '../../../server/media/ffmpeg-paths.ts';
import { createMediaService } from '../../../server/media/media-service.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

const media = createMediaService();
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-media-'));
});
afterAll(() => media.close());

function decodeEncode(input: string, decode: Record<string, unknown> = {}, encode: Record<string, unknown> = {}): GraphDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'decode', type: 'decode', params: { path: input, ...decode }, position: { x: 0, y: 0 } },
      { id: 'encode', type: 'encode', params: { preset: 'ultrafast', ...encode }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' }],
  };
}

const executor = () => new Executor({ services: { media }, cache: new ChunkCache({ diskDir: null, memoryBudgetBytes: 64 * 2 ** 20 }) });

async function countFrames(file: string): Promise<number> {
  const probe = path.join(path.dirname(ffmpegPath()), '..', '..', '@ffprobe-installer', 'linux-x64', 'ffprobe');
  const bin = process.env.ANELO_FFPROBE_PATH ?? ((await import('@ffprobe-installer/ffprobe')) as { path: string }).path ?? probe;
  const out = execFileSync(bin, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
  return Number(out.toString().trim());
}

describe.skipIf(!hasShared('media'))('decode → encode round trips on real clips', () => {
  it('re-encodes carphone with the same frame count, size and frame rate', async () => {
    const out = path.join(dir, 'carphone.mp4');
    const report = await executor().run(decodeEncode(sharedPath('media/carphone-176x144.mp4')), { outputs: { encode: out } });
    const p = await media.probe(out);
    expect([p.width, p.height, p.fps.toFixed(3), p.audio.length]).toEqual([176, 144, '29.970', 0]);
    expect(await countFrames(out)).toBe(120);
    expect(report.nodes.decode).toMatchObject({ status: 'ran', computedFrames: 120 });
  });

  it('keeps the audio of bbb-5s-720p and its 132 frames at 25 fps', async () => {
    const out = path.join(dir, 'bbb.mp4');
    await executor().run(decodeEncode(sharedPath('media/bbb-5s-720p.mp4')), { outputs: { encode: out } });
    const p = await media.probe(out);
    expect([p.width, p.height, p.fps]).toEqual([1280, 720, 25]);
    expect(p.audio.map((a) => a.codec)).toEqual(['aac']);
    expect(await countFrames(out)).toBe(132);
    expect(Math.abs(p.durationS - 5.28)).toBeLessThan(0.1);
  });

  it('a frame reached by seeking equals the same frame read in sequence', async () => {
    const clip = sharedPath('media/bikes-cuts.mp4');
    const g = decodeEncode(clip, { maxHeight: 68 });
    const seq = executor();
    await seq.run(g, { targets: ['decode'] });
    for (const f of [29, 30, 75, 76, 201]) {
      const fromSeek = (await executor().preview(g, { nodeId: 'decode', frame: f })).chunk as FramesChunk;
      const fromRun = (await seq.preview(g, { nodeId: 'decode', frame: f })).chunk as FramesChunk;
      expect(Buffer.compare(Buffer.from(fromSeek.frames[0]), Buffer.from(fromRun.frames[0])), `frame ${f}`).toBe(0);
    }
  });

  it('pads odd sizes to even and keeps the requested range', async () => {
    const out = path.join(dir, 'odd.mp4');
    const report = await executor().run(decodeEncode(sharedPath('media/bikes-cuts.mp4'), { maxHeight: 101, start: 10, end: 40 }), { outputs: { encode: out } });
    const p = await media.probe(out);
    // 640x272 scaled to height 101 is 238x101: padded to 238x102.
    expect([p.width, p.height]).toEqual([238, 102]);
    expect(await countFrames(out)).toBe(30);
    expect(report.frames).toEqual({ start: 0, end: 30 });
  });

  it('honours rotation metadata', async () => {
    const rotated = path.join(dir, 'rotated.mp4');
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', sharedPath('media/carphone-176x144.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
    const info = await executor().info(decodeEncode(rotated));
    expect([info.decode.frames.width, info.decode.frames.height]).toEqual([144, 176]);
    const { chunk } = await executor().preview(decodeEncode(rotated), { nodeId: 'decode', frame: 3 });
    expect((chunk as FramesChunk).frames[0].length).toBe(144 * 176 * 3);
  });

  it('reads MPEG-TS (.ts, .m2ts, .mts: broadcast and camcorder files) with its audio', async () => {
    // The muxer writes a service name, as broadcasts and camcorders do; reading it crashed the bundled static ffprobe.
    const ts = path.join(dir, 'camcorder.m2ts');
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', sharedPath('media/bikes-cuts.mp4'), '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-t', '2', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-f', 'mpegts', ts]);
    const src = await media.probe(ts);
    expect([src.width, src.height, src.fps, src.frameCount, src.formatName, src.audio.length]).toEqual([640, 272, 25, 50, 'mpegts', 1]);
    const out = path.join(dir, 'from-ts.mp4');
    await executor().run(decodeEncode(ts), { outputs: { encode: out } });
    const p = await media.probe(out);
    expect([p.width, p.height, p.fps, p.audio.map((a) => a.codec)]).toEqual([640, 272, 25, ['aac']]);
    expect(await countFrames(out)).toBe(50);
  });

  it('in an MPEG-TS whose audio starts first, seeks to the frame asked for and keeps the audio in sync', async () => {
    // A keyframe every 25 frames and the video 0.5 s after the audio, as in broadcast captures. Seeking there landed
    // on the next keyframe (frame 30 showed frame 50), and the audio came out 0.5 s late.
    const ts = path.join(dir, 'broadcast.ts');
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-itsoffset', '0.5', '-f', 'lavfi', '-i', 'testsrc=s=160x120:r=25:d=6', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=6.5', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac', '-f', 'mpegts', ts]);
    expect((await media.probe(ts)).videoStartS).toBeCloseTo(0.5, 1);
    const g = decodeEncode(ts);
    const seq = executor();
    await seq.run(g, { targets: ['decode'] });
    const inOrder = execFileSync(ffmpegPath(), ['-v', 'error', '-i', ts, '-vf', 'fps=fps=25', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 2 ** 28 });
    const frameBytes = 160 * 120 * 3;
    // The run reads in order from frame 0 (where the video starts): every frame is ffmpeg's own in-order frame.
    const differing: number[] = [];
    for (let f = 0; f < 150; f++) {
      const fromRun = ((await seq.preview(g, { nodeId: 'decode', frame: f })).chunk as FramesChunk).frames[0];
      if (Buffer.compare(Buffer.from(fromRun), inOrder.subarray(f * frameBytes, (f + 1) * frameBytes)) !== 0) differing.push(f);
    }
    expect(differing).toEqual([]);
    // Previews on a media service of their own: none of the run's decoders to continue, each frame a seek.
    const seeking = createMediaService();
    const seekingExecutor = (): Executor => new Executor({ services: { media: seeking }, cache: new ChunkCache({ diskDir: null, memoryBudgetBytes: 64 * 2 ** 20 }) });
    for (const f of [30, 62, 149]) {
      const fromSeek = ((await seekingExecutor().preview(g, { nodeId: 'decode', frame: f })).chunk as FramesChunk).frames[0];
      expect(Buffer.compare(Buffer.from(fromSeek), inOrder.subarray(f * frameBytes, (f + 1) * frameBytes)), `frame ${f}`).toBe(0);
      const fromRun = ((await seq.preview(g, { nodeId: 'decode', frame: f })).chunk as FramesChunk).frames[0];
      expect(Buffer.compare(Buffer.from(fromSeek), Buffer.from(fromRun)), `frame ${f} against the run`).toBe(0);
    }
    seeking.close();
    // The audio that goes with frame 0 starts with it: the output's audio and video both span 0..6 s.
    const out = path.join(dir, 'from-broadcast.mp4');
    await executor().run(g, { outputs: { encode: out } });
    const streams = execFileSync(ffprobePath(), ['-v', 'error', '-show_entries', 'stream=codec_type,start_time,duration', '-of', 'csv=p=0', out]).toString().trim().split('\n');
    for (const line of streams) {
      const [, start, duration] = line.split(',').map(Number);
      expect(start, line).toBeCloseTo(0, 1);
      expect(Math.abs(duration - 6), line).toBeLessThan(0.1);
    }
  });

  it('keeps the colours of a BT.709 source: converted back with its matrix and declared as it was', async () => {
    // An HD-style source coded and tagged BT.709 (a phone's, a camera's). Converted back with BT.601 and untagged, its
    // orange (200, 50, 20) showed as (211, 58, 14) in players, which take untagged HD as BT.709.
    const src = path.join(dir, 'bt709.mp4');
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0xC83214:s=320x240:r=25:d=0.4', '-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', src]);
    expect((await media.probe(src)).colour).toEqual({ matrix: 'bt709', primaries: 'bt709', transfer: 'bt709' });
    const out = path.join(dir, 'bt709-out.mp4');
    await executor().run(decodeEncode(src, {}, { crf: 0 }), { outputs: { encode: out } });
    expect((await media.probe(out)).colour).toEqual({ matrix: 'bt709', primaries: 'bt709', transfer: 'bt709' });
    const shown = execFileSync(ffmpegPath(), ['-v', 'error', '-i', out, '-frames:v', '1', '-vf', 'scale=in_color_matrix=bt709:in_range=tv', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    for (const [i, want] of [200, 50, 20].entries()) expect(Math.abs(shown[160 * 120 * 3 + i] - want), `channel ${i}`).toBeLessThanOrEqual(5);
    // An undeclared source stays undeclared, as ffmpeg decoded it.
    const plain = path.join(dir, 'plain-out.mp4');
    await executor().run(decodeEncode(sharedPath('media/bikes-cuts.mp4'), { end: 3 }), { outputs: { encode: plain } });
    expect((await media.probe(plain)).colour).toBeUndefined();
  });

  it('in an MPEG-TS whose video starts first, keeps the audio where it starts', async () => {
    const ts = path.join(dir, 'video-first.ts');
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=160x120:r=25:d=4', '-itsoffset', '0.5', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3.5', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-f', 'mpegts', ts]);
    const out = path.join(dir, 'from-video-first.mp4');
    await executor().run(decodeEncode(ts), { outputs: { encode: out } });
    const streams = execFileSync(ffprobePath(), ['-v', 'error', '-show_entries', 'stream=codec_type,start_time,duration', '-of', 'csv=p=0', out]).toString().trim().split('\n');
    const audio = streams.find((l) => l.startsWith('audio'))!.split(',').map(Number);
    // It came out at 0 (0.5 s early) before.
    expect(audio[1]).toBeGreaterThan(0.4);
    expect(audio[1] + audio[2]).toBeCloseTo(4, 0);
  });

  it('keeps non-square pixels (DVD, HDV) and flags the output with their shape, so it is not shown stretched', async () => {
    // carphone as an anamorphic master: 176x144 stored, pixels 12:11 wide (shown as 192x144).
    const ana = path.join(dir, 'anamorphic.mp4');
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', sharedPath('media/carphone-176x144.mp4'), '-frames:v', '10', '-vf', 'setsar=12/11', '-c:v', 'libx264', '-preset', 'ultrafast', ana]);
    expect((await media.probe(ana)).sampleAspect).toBe('12:11');
    const out = path.join(dir, 'anamorphic-out.mp4');
    await executor().run(decodeEncode(ana), { outputs: { encode: out } });
    const p = await media.probe(out);
    expect([p.width, p.height, p.sampleAspect]).toEqual([176, 144, '12:11']);
    expect(await countFrames(out)).toBe(10);
    // Square pixels stay unflagged.
    const square = path.join(dir, 'square-out.mp4');
    await executor().run(decodeEncode(sharedPath('media/bikes-cuts.mp4'), { end: 5 }), { outputs: { encode: square } });
    expect((await media.probe(square)).sampleAspect).toBeUndefined();
  });

  it('turns variable frame rate into a constant rate', async () => {
    const vfr = path.join(dir, 'vfr.mkv');
    // Drop every third frame and keep the original timestamps: gaps make the rate variable.
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', sharedPath('media/carphone-176x144.mp4'), '-vf', "select='mod(n\\,3)'", '-vsync', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', vfr]);
    const out = path.join(dir, 'cfr.mp4');
    const report = await executor().run(decodeEncode(vfr), { outputs: { encode: out } });
    const p = await media.probe(out);
    expect(p.variableFrameRate).toBe(false);
    expect(await countFrames(out)).toBe(report.frames.end);
    expect(Math.abs(p.durationS - 4)).toBeLessThan(0.3);
  });
});

describe.skipIf(!hasShared('media'))('bad input and cancel lose nothing', () => {
  it('a cancelled encode leaves no file and keeps what was at the output path', async () => {
    const out = path.join(dir, 'keep.mp4');
    await fs.writeFile(out, 'previous render');
    const controller = new AbortController();
    const run = executor().run(decodeEncode(sharedPath('media/bbb-60s-640x360.mp4')), {
      outputs: { encode: out },
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'node-progress' && e.nodeId === 'encode' && e.done >= 48) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
    expect(await fs.readFile(out, 'utf8')).toBe('previous render');
    expect((await fs.readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('a truncated video fails with a coded error naming the file, and writes nothing', async () => {
    const broken = path.join(dir, 'broken.mp4');
    const bytes = await fs.readFile(sharedPath('media/bikes-cuts.mp4'));
    await fs.writeFile(broken, bytes.subarray(0, 4000));
    const out = path.join(dir, 'never.mp4');
    const err = await executor().run(decodeEncode(broken), { outputs: { encode: out } }).catch((e) => e);
    expect(err.code).toMatch(/ANELO_E01[12]/);
    expect(err.message).toContain('broken.mp4');
    await expect(fs.access(out)).rejects.toThrow();
  });

  it('a missing input and a non-video are told apart', async () => {
    await expect(executor().run(decodeEncode(path.join(dir, 'nope.mp4')), { outputs: { encode: path.join(dir, 'x.mp4') } })).rejects.toMatchObject({ code: 'ANELO_E010_INPUT_MISSING', where: { nodeId: 'decode' } });
    const text = path.join(dir, 'notes.mp4');
    await fs.writeFile(text, 'not a video at all');
    await expect(executor().run(decodeEncode(text), { outputs: { encode: path.join(dir, 'x.mp4') } })).rejects.toMatchObject({ code: 'ANELO_E011_NOT_A_VIDEO' });
  });
});
