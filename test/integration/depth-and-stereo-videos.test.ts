/**
 * Whole graphs on real clips, written to real files and read back with ffprobe: a grayscale depth video (with the
 * test model, and with every real model found in ANELO_MODELS_DIR), and every stereo layout.
 */
import { readdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { StereoLayout } from '../../nodes/core/types.ts';
import { ChunkCache } from '../../server/engine/chunk-cache.ts';
import { Executor } from '../../server/engine/executor.ts';
import { loadGraph } from '../../server/engine/load-graph.ts';
import { createServices, type LocalServices } from '../../server/services.ts';
import { hasShared, sharedPath } from '../helpers/shared-data.ts';
import { tempModelDir, writeDepthAnythingLike } from '../helpers/test-models.ts';

let services: LocalServices;
let executor: Executor;
let dir: string;
let testModel: string;

beforeAll(async () => {
  services = await createServices();
  executor = new Executor({ services, cache: new ChunkCache({ diskDir: null }) });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-videos-'));
  testModel = writeDepthAnythingLike(tempModelDir(), { weights: [0.3, 0.4, 0.3], bias: 0.5 }, { target: 56 }).path;
});
afterAll(() => services.close());

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params, position: { x: 0, y: 0 } });
const edge = (source: string, sourcePort: string, target: string, targetPort: string) => ({ source, sourcePort, target, targetPort });

function depthVideo(model: string): GraphDocument {
  return loadGraph({
    schemaVersion: 1,
    nodes: [node('decode', 'decode', { path: sharedPath('media/bikes-cuts.mp4'), end: 40 }), node('depth', 'depth', { model }), node('encode', 'encode', { preset: 'ultrafast' })],
    edges: [edge('decode', 'frames', 'depth', 'frames'), edge('depth', 'depth', 'encode', 'video')],
  });
}

/** Real model files beside a manifest in ANELO_MODELS_DIR (CI points it at ../shared/models). */
function realModels(): string[] {
  const dirs = (process.env.ANELO_MODELS_DIR ?? '').split(path.delimiter).filter(Boolean);
  return dirs.flatMap((d) => {
    try {
      return readdirSync(d).filter((f) => f.endsWith('.onnx')).map((f) => path.join(d, f));
    } catch {
      return [];
    }
  });
}

describe.skipIf(!hasShared('media/bikes-cuts.mp4'))('depth as a grayscale video', () => {
  const models = [['the Depth-Anything-shaped test model', ''], ...realModels().map((m) => [path.basename(m), m])];
  for (const [name, file] of models) {
    it(`decode → depth → encode on bikes-cuts with ${name}`, async () => {
      const out = path.join(dir, `depth-${path.basename(file || 'test')}.mp4`);
      const report = await executor.run(depthVideo(file || testModel), { outputs: { encode: out } });
      const p = await services.media.probe(out);
      const info = await executor.info(depthVideo(file || testModel));
      const { width, height } = info.depth.depth;
      expect([p.width, p.height]).toEqual([width + (width % 2), height + (height % 2)]);
      expect(p.frameCount).toBe(40);
      expect(report.nodes.depth.computedFrames).toBe(40);
      // The depth is not flat: the encoded video's luma differs from frame to frame and pixel to pixel.
      const { chunk } = await executor.preview(depthVideo(file || testModel), { nodeId: 'depth', frame: 10 });
      const stats = (chunk as { stats: { p02: number; p98: number }[] }).stats[0];
      expect(stats.p98).toBeGreaterThan(stats.p02);
    });
  }
});

async function stereoTag(file: string): Promise<string | undefined> {
  const { execFileSync } = await import('node:child_process');
  const bin = process.env.ANELO_FFPROBE_PATH ?? ((await import('@ffprobe-installer/ffprobe')) as { path: string }).path;
  const json = JSON.parse(execFileSync(bin, ['-v', 'error', '-show_streams', '-of', 'json', file]).toString());
  return json.streams[0]?.tags?.stereo_mode;
}

const LAYOUTS: [StereoLayout, (w: number, h: number) => [number, number]][] = [
  ['sbs-full', (w, h) => [2 * w, h]],
  ['sbs-half', (w, h) => [w, h]],
  ['tb-full', (w, h) => [w, 2 * h]],
  ['tb-half', (w, h) => [w, h]],
  ['anaglyph', (w, h) => [w, h]],
  ['cross-eyed', (w, h) => [2 * w, h]],
  ['depth', (w, h) => [w, h]],
];

describe.skipIf(!hasShared('media/carphone-176x144.mp4'))('every stereo layout gives the right frame size and a playable file', () => {
  for (const [layout, size] of LAYOUTS) {
    it(layout, async () => {
      const graph = loadGraph({
        schemaVersion: 1,
        nodes: [
          node('decode', 'decode', { path: sharedPath('media/carphone-176x144.mp4'), end: 12 }),
          node('depth', 'depth', { model: testModel }),
          node('warp', 'stereo-warp', { layout }),
          node('encode', 'encode', { preset: 'ultrafast' }),
        ],
        edges: [edge('decode', 'frames', 'depth', 'frames'), edge('decode', 'frames', 'warp', 'frames'), edge('depth', 'depth', 'warp', 'depth'), edge('warp', 'frames', 'encode', 'video')],
      });
      const ext = layout === 'depth' || layout === 'anaglyph' ? '.mp4' : '.mkv';
      const out = path.join(dir, `carphone-${layout}${ext}`);
      await executor.run(graph, { outputs: { encode: out } });
      const [w, h] = size(176, 144);
      const p = await services.media.probe(out);
      expect([p.width, p.height, p.frameCount]).toEqual([w, h, 12]);
      expect((await executor.info(graph)).warp.frames.layout).toBe(layout);
      if (ext === '.mkv') {
        // Players read the layout from Matroska's StereoMode element.
        const tags = await stereoTag(out);
        expect(tags).toBe(layout === 'cross-eyed' ? 'right_left' : layout.startsWith('tb') ? 'top_bottom' : 'left_right');
      }
    });
  }
});

describe('runs are independent', () => {
  it("cancelling one run stops only that run", async () => {
    if (!hasShared('media/carphone-176x144.mp4')) return;
    const graph = (end: number) =>
      loadGraph({
        schemaVersion: 1,
        nodes: [node('decode', 'decode', { path: sharedPath('media/carphone-176x144.mp4'), end }), node('encode', 'encode', { preset: 'ultrafast' })],
        edges: [edge('decode', 'frames', 'encode', 'video')],
      });
    const controller = new AbortController();
    const cancelled = executor.run(graph(120), {
      outputs: { encode: path.join(dir, 'cancelled.mp4') },
      signal: controller.signal,
      onEvent: (e) => e.type === 'node-progress' && e.nodeId === 'encode' && controller.abort(),
    });
    const other = executor.run(graph(100), { outputs: { encode: path.join(dir, 'kept.mp4') } });
    await expect(cancelled).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
    await expect(other).resolves.toMatchObject({ frames: { start: 0, end: 100 } });
    expect((await services.media.probe(path.join(dir, 'kept.mp4'))).frameCount).toBe(100);
  });
});
