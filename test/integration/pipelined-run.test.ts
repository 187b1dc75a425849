/**
 * The default graph through the pooled, pipelined executor on a real clip (test depth model with Depth Anything's
 * contract): the same pixels as on the main thread alone, truthful progress, and a cancel that leaves nothing.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../nodes/core/events.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { ChunkCache } from '../../server/engine/chunk-cache.ts';
import { Executor } from '../../server/engine/executor.ts';
import { loadGraph } from '../../server/engine/load-graph.ts';
import { withDefaults, type JsonSchema } from '../../nodes/core/param-schema.ts';
import { sceneDetectNode } from '../../nodes/scene-detect.ts';
import { createServices, type LocalServices } from '../../server/services.ts';
import { hasShared, PROJECT_ROOT, sharedPath } from '../helpers/shared-data.ts';
import { tempModelDir, writeDepthAnythingLike } from '../helpers/test-models.ts';

let dir: string;
let services: LocalServices;
let graph: GraphDocument;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-pipelined-'));
  services = await createServices();
  const model = writeDepthAnythingLike(tempModelDir(), { weights: [0.2, 0.5, 0.3], bias: 1 }, { target: 70 }).path;
  const doc = JSON.parse(await fs.readFile(path.join(PROJECT_ROOT, 'graphs', 'default.json'), 'utf8')) as GraphDocument;
  for (const n of doc.nodes) {
    if (n.type === 'decode') n.params = { ...n.params, path: sharedPath('media/bikes-cuts.mp4'), end: 64, maxHeight: 136 };
    if (n.type === 'depth') n.params = { ...n.params, model };
    if (n.type === 'encode') n.params = { ...n.params, preset: 'ultrafast' };
  }
  graph = loadGraph(doc);
});

afterAll(() => services?.close());

const executor = (workers: number) => new Executor({ services, workers, cache: new ChunkCache({ diskDir: null }) });

describe.skipIf(!hasShared('media/bikes-cuts.mp4'))('pipelined runs of the default graph', () => {
  it('gives the same warped frames on 2 worker threads as on the main thread, across a cut and chunk seams', async () => {
    const pooled = executor(2);
    const here = executor(0);
    try {
      for (const frame of [15, 16, 30, 47]) {
        const a = await pooled.preview(graph, { nodeId: 'warp', frame });
        const b = await here.preview(graph, { nodeId: 'warp', frame });
        expect(Buffer.from(await pooled.previewPng(a)).equals(Buffer.from(await here.previewPng(b))), `frame ${frame}`).toBe(true);
      }
    } finally {
      await pooled.close();
    }
  });

  it('a preview decodes each frame it needs once, though depth, scenes, flow, refine and warp all read decode', async () => {
    const ex = executor(2);
    try {
      const r = await ex.preview(graph, { nodeId: 'warp', frame: 40 });
      expect(r.computed).toMatchObject({ warp: 1, refine: 1, smooth: 1 });
      // Scenes reads the widest window of decode; everything else reads inside it, so decode computes at most
      // scenes' frames plus scenes' own window, once (when each reader decoded its own range it was 141 of 64).
      const scenes = sceneDetectNode.window!(withDefaults(sceneDetectNode.params as unknown as JsonSchema, {}) as never);
      expect(r.computed.decode).toBeLessThanOrEqual(Math.min(64, r.computed.scenes + scenes.before + scenes.after));
      expect(r.computed.flow).toBeLessThanOrEqual(r.computed.depth);
    } finally {
      await ex.close();
    }
  });

  it('computes each frame once per node, with progress that only moves forward, every few frames, and encode progress from ffmpeg', async () => {
    const ex = executor(2);
    const events: ExecutorEvent[] = [];
    // 128 frames: ffmpeg reports at most every half second of encoding, and 64 small frames could reach it as one
    // burst (both of smooth's 32-frame pieces finishing together), leaving only its final report.
    const frames = 128;
    const long = structuredClone(graph);
    for (const n of long.nodes) if (n.type === 'decode') n.params = { ...n.params, end: frames };
    try {
      const report = await ex.run(long, { outputs: { encode: path.join(dir, 'out.mp4') }, onEvent: (e) => events.push(e) });
      for (const [id, n] of Object.entries(report.nodes)) expect(n.computedFrames, id).toBe(frames);
      for (const id of ['smooth', 'refine', 'warp', 'encode']) {
        const steps = events.filter((e) => e.type === 'node-progress' && e.nodeId === id) as Extract<ExecutorEvent, { type: 'node-progress' }>[];
        let last = 0;
        for (const s of steps) {
          expect(s.done, id).toBeGreaterThan(last);
          if (id !== 'encode') expect(s.done - last, id).toBeLessThanOrEqual(4);
          last = s.done;
        }
        expect(last, id).toBe(frames);
        // node-done follows the node's last frame, not the end of the run.
        expect(events.findIndex((e) => e.type === 'node-done' && e.nodeId === id)).toBeGreaterThan(events.indexOf(steps.at(-1)!));
        // The time the editor shows on the node ("ran N ms") is the report's (the encoder's read 0 before).
        const done = events.find((e) => e.type === 'node-done' && e.nodeId === id) as Extract<ExecutorEvent, { type: 'node-done' }>;
        expect(done.ms, id).toBe(report.nodes[id].ms);
        expect(done.ms, id).toBeGreaterThan(0);
      }
      const encodeSteps = events.filter((e) => e.type === 'node-progress' && e.nodeId === 'encode');
      expect(encodeSteps.length).toBeGreaterThan(1);
    } finally {
      await ex.close();
    }
  });

  it('cancel during a pipelined run stops it at once and leaves no output file', async () => {
    const ex = executor(2);
    const controller = new AbortController();
    const out = path.join(dir, 'cancelled', 'out.mp4');
    await fs.mkdir(path.dirname(out), { recursive: true });
    try {
      const run = ex.run(graph, {
        outputs: { encode: out },
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'node-progress' && e.nodeId === 'warp' && e.done >= 8) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
      expect(await fs.readdir(path.dirname(out))).toEqual([]);
    } finally {
      await ex.close();
    }
  });
});
