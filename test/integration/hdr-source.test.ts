/**
 * HDR sources (PQ): the analysis stages see the picture an SDR viewer would, the output keeps the HDR signal.
 *
 * Two clips made here from the first 90 frames of bikes-cuts (cuts at 30 and 76), coded alike (BT.2020 matrix, lossless
 * 4:4:4) except for the transfer: an SDR twin, and a PQ copy whose every value is the SDR value's display light
 * (BT.1886, reference white at 203 cd/m², ITU-R BT.2408) in PQ. Read as they are, the PQ frames are dim and flat.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CutsChunk, DepthChunk, FramesChunk } from '../../nodes/core/types.ts';
import { ChunkCache } from '../../server/engine/chunk-cache.ts';
import { Executor } from '../../server/engine/executor.ts';
import { loadGraph } from '../../server/engine/load-graph.ts';
import { ffmpegPath } from '../../server/media/ffmpeg-paths.ts';
import { createServices, type LocalServices } from '../../server/services.ts';
import { hasShared, sharedPath } from '../helpers/shared-data.ts';
import { tempModelDir, writeDepthAnythingLike } from '../helpers/test-models.ts';

const W = 320;
const H = 136;
const FRAMES = 90;

/** PQ inverse EOTF (SMPTE ST 2084): cd/m² → signal 0..1. */
function nitsToPq(nits: number): number {
  const y = Math.pow(nits / 10000, 2610 / 16384);
  return Math.pow((3424 / 4096 + ((2413 / 4096) * 32) * y) / (1 + ((2392 / 4096) * 32) * y), (2523 / 4096) * 128);
}

function encodeClip(rgb: Buffer, file: string, transfer: string): void {
  execFileSync(ffmpegPath(), [
    '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', '25', '-i', '-',
    '-vf', 'scale=out_color_matrix=bt2020:out_range=tv,format=yuv444p', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0',
    '-colorspace', 'bt2020nc', '-color_primaries', 'bt2020', '-color_trc', transfer, '-color_range', 'tv', file,
  ], { input: rgb, maxBuffer: 1 << 28 });
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
};
const mean = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
};
const std = (a: ArrayLike<number>): number => {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / a.length);
};
const largest = (a: Uint8Array): number => a.reduce((m, v) => (v > m ? v : m), 0);
/** A PNG's pixels as RGB24. */
function pngRgb(bytes: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const png = PNG.sync.read(Buffer.from(bytes));
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) rgb.set(png.data.subarray(i * 4, i * 4 + 3), i * 3);
  return { width: png.width, height: png.height, rgb };
}

const shared = hasShared('media', 'bikes-cuts.mp4');
let services: LocalServices;
let executor: Executor;
let dir: string;
let model: string;
const clips = { sdr: '', pq: '' };

beforeAll(async () => {
  if (!shared) return;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-hdr-'));
  const sdr = execFileSync(ffmpegPath(), ['-v', 'error', '-i', sharedPath('media', 'bikes-cuts.mp4'), '-frames:v', String(FRAMES), '-vf', `scale=${W}:${H}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 28 });
  const toPq = new Uint8Array(256).map((_, v) => Math.round(255 * nitsToPq(203 * Math.pow(v / 255, 2.4))));
  const pq = Buffer.from(sdr.map((v) => toPq[v]));
  clips.sdr = path.join(dir, 'sdr.mp4');
  clips.pq = path.join(dir, 'pq.mp4');
  encodeClip(sdr, clips.sdr, 'bt709');
  encodeClip(pq, clips.pq, 'smpte2084');
  services = await createServices();
  executor = new Executor({ services, cache: new ChunkCache({ diskDir: null }) });
  model = writeDepthAnythingLike(tempModelDir(), { weights: [0.3, 0.4, 0.3], bias: 0.5 }, { target: 56 }).path;
});
afterAll(async () => {
  await executor?.close();
  services?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params, position: { x: 0, y: 0 } });
const graph = (clip: string) =>
  loadGraph({
    schemaVersion: 1,
    nodes: [node('decode', 'decode', { path: clip }), node('scenes', 'scene-detect'), node('depth', 'depth', { model })],
    edges: [
      { source: 'decode', sourcePort: 'frames', target: 'scenes', targetPort: 'frames' },
      { source: 'decode', sourcePort: 'frames', target: 'depth', targetPort: 'frames' },
    ],
  });

describe.skipIf(!shared)('an HDR (PQ) source', () => {
  it('is decoded as the PQ signal it holds: dim and flat beside its SDR twin', async () => {
    const at = async (clip: string) => {
      const r = await executor.preview(graph(clip), { nodeId: 'decode', frame: 50 });
      return { frame: (r.chunk as FramesChunk).frames[50 - r.chunk.start], colour: r.info.colour };
    };
    const sdr = await at(clips.sdr);
    const pq = await at(clips.pq);
    expect(pq.colour).toEqual({ matrix: 'bt2020nc', primaries: 'bt2020', transfer: 'smpte2084' });
    // Reference white sits at code 148 of 255; the SDR twin's highlights reach near 255, with far more contrast.
    expect(largest(pq.frame)).toBeLessThan(160);
    expect(largest(sdr.frame)).toBeGreaterThan(230);
    expect(std(pq.frame)).toBeLessThan(0.8 * std(sdr.frame));
  });

  it('has its scene cuts found where its SDR twin has them', async () => {
    const flagged = async (clip: string, frame: number): Promise<boolean> => {
      const r = await executor.preview(graph(clip), { nodeId: 'scenes', frame });
      return (r.chunk as CutsChunk).flags[frame - r.chunk.start] === 1;
    };
    for (const f of [30, 76]) {
      expect(await flagged(clips.sdr, f)).toBe(true);
      expect(await flagged(clips.pq, f)).toBe(true);
    }
    for (const f of [20, 50]) expect(await flagged(clips.pq, f)).toBe(false);
  });

  it('gives the depth model the picture its SDR twin gives it', async () => {
    for (const f of [10, 50, 85]) {
      const depthAt = async (clip: string) => {
        const r = await executor.preview(graph(clip), { nodeId: 'depth', frame: f });
        return (r.chunk as DepthChunk).frames[f - r.chunk.start];
      };
      const sdr = await depthAt(clips.sdr);
      const pq = await depthAt(clips.pq);
      // The test model is linear in the pixels, so its depth differs as the pictures it saw do: by a third of the
      // depth's spread when it reads the PQ signal as it is, by a few hundredths through the SDR view.
      let diff = 0;
      for (let i = 0; i < sdr.length; i++) diff += Math.abs(pq[i] - sdr[i]);
      expect(diff / sdr.length / std(sdr)).toBeLessThan(0.1);
    }
  });

  it('previews through its SDR view', async () => {
    const png = async (clip: string) => {
      const r = await executor.preview(graph(clip), { nodeId: 'decode', frame: 50 });
      return pngRgb(await executor.previewPng(r));
    };
    const sdr = await png(clips.sdr);
    const pq = await png(clips.pq);
    expect([pq.width, pq.height]).toEqual([sdr.width, sdr.height]);
    expect(meanAbsDiff(pq.rgb, sdr.rgb)).toBeLessThan(4);
  });

  it('renders to an HDR output: the PQ signal and its tags pass through', async () => {
    const out = path.join(dir, 'out.mkv');
    const doc = loadGraph({
      schemaVersion: 1,
      nodes: [node('decode', 'decode', { path: clips.pq, end: 10 }), node('encode', 'encode', { crf: 0, preset: 'ultrafast' })],
      edges: [{ source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' }],
    });
    await executor.run(doc, { outputs: { encode: out } });
    expect((await services.media.probe(out)).colour).toEqual({ matrix: 'bt2020nc', primaries: 'bt2020', transfer: 'smpte2084' });
    const read = async (clip: string) => {
      const r = await executor.preview(graph(clip), { nodeId: 'decode', frame: 5 });
      return (r.chunk as FramesChunk).frames[5 - r.chunk.start];
    };
    expect(meanAbsDiff(await read(out), await read(clips.pq))).toBeLessThan(1.5);
  });
});
